package dev.portcullis.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.portcullis.testkit.TestCredentials;

/**
 * Throwaway keys for one run of the demo, generated on the spot (no private key is ever committed):
 * the SP's, which the valve reads from PEM files as it would in production, and the IdP's. Both are
 * written to the work directory; the private keys are readable by their owner only.
 *
 * @param sp            the SP's key and certificate
 * @param idp           the IdP's key and certificate
 * @param spKeyFile     PEM file of the SP's PKCS#8 private key
 * @param spCertificateFile PEM file of the SP's certificate
 */
record DemoKeys(TestCredentials sp, TestCredentials idp, Path spKeyFile, Path spCertificateFile) {

    static DemoKeys generate(Path directory) throws IOException {
        Files.createDirectories(directory);
        TestCredentials sp = TestCredentials.rsa("Portcullis demo SP");
        TestCredentials idp = TestCredentials.rsa("Portcullis development IdP");
        Path spKey = directory.resolve("sp-key.pem");
        Path spCertificate = directory.resolve("sp-cert.pem");
        Path idpKey = directory.resolve("idp-key.pem");
        Path idpCertificate = directory.resolve("idp-cert.pem");
        ownerOnly(spKey);
        ownerOnly(idpKey);
        sp.writePem(spKey, spCertificate);
        idp.writePem(idpKey, idpCertificate);
        return new DemoKeys(sp, idp, spKey, spCertificate);
    }

    /** Creates the file empty and owner-only before the key is written into it (where the file system allows). */
    private static void ownerOnly(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }
}
