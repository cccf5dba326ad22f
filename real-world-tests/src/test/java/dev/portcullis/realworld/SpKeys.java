package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.portcullis.testkit.TestCredentials;

/**
 * A throwaway SP key pair as PEM files: the valve signs AuthnRequests with the key, and the IdP
 * script is given the certificate (PORTCULLIS_SP_CERT) to check them with.
 *
 * @param privateKey  PKCS#8 PEM
 * @param certificate PEM
 */
record SpKeys(Path privateKey, Path certificate) {

    /** Guarded by SpKeys.class. */
    private static SpKeys shared;

    /** The pair of every embedded SP of this test run (see {@link RealWorld#spPort()}). */
    static synchronized SpKeys shared() {
        if (shared == null) {
            shared = generate();
        }
        return shared;
    }

    /** A new RSA-2048 pair in a new temporary folder. */
    static SpKeys generate() {
        try {
            Path dir = Files.createTempDirectory("portcullis-sp-keys");
            SpKeys keys = new SpKeys(dir.resolve("sp.key"), dir.resolve("sp.crt"));
            TestCredentials.rsa("Portcullis real-world test SP").writePem(keys.privateKey, keys.certificate);
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
