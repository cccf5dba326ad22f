package dev.portcullis.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway private key with its self-signed certificate, generated on the spot so that no private
 * key is ever committed to the repository.
 *
 * @param privateKey  the private key
 * @param certificate the self-signed certificate for its public key
 */
public record TestCredentials(PrivateKey privateKey, X509Certificate certificate) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** An RSA-2048 key valid from an hour ago for a year. */
    public static TestCredentials rsa(String commonName) {
        return rsa(commonName, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(365)));
    }

    /** An RSA-2048 key with the given validity. */
    public static TestCredentials rsa(String commonName, Instant notBefore, Instant notAfter) {
        return rsa(commonName, 2048, notBefore, notAfter);
    }

    /** An RSA key of another size (a 3072-bit rollover key, a 1024-bit one the valve refuses), valid for a year. */
    public static TestCredentials rsa(String commonName, int bits) {
        return rsa(commonName, bits, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(365)));
    }

    private static TestCredentials rsa(String commonName, int bits, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, RANDOM);
            return selfSigned(generator.generateKeyPair(), "SHA256withRSA", commonName, notBefore, notAfter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** An ECDSA P-256 key valid from an hour ago for a year. */
    public static TestCredentials ec(String commonName) {
        return ec(commonName, "secp256r1");
    }

    /** An ECDSA key on the named curve (secp256r1, secp384r1, secp521r1), valid from an hour ago for a year. */
    public static TestCredentials ec(String commonName, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return selfSigned(generator.generateKeyPair(), "SHA256withECDSA", commonName,
                    Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(365)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC key", e);
        }
    }

    private static TestCredentials selfSigned(KeyPair pair, String signatureAlgorithm, String commonName,
                                              Instant notBefore, Instant notAfter) throws GeneralSecurityException {
        X500Name name = new X500Name("CN=" + commonName);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                name, pair.getPublic());
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new TestCredentials(pair.getPrivate(), certificate);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the certificate", e);
        }
    }

    /** The certificate as PEM text. */
    public String certificatePem() {
        return pem(certificate);
    }

    /** The private key as PKCS#8 PEM text. */
    public String privateKeyPem() {
        return pem(privateKey);
    }

    /** The certificate's DER bytes in base64, as SAML metadata carries them. */
    public String certificateBase64() {
        try {
            return java.util.Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the key and certificate as two PEM files. */
    public void writePem(Path keyFile, Path certificateFile) throws IOException {
        Files.writeString(keyFile, privateKeyPem(), StandardCharsets.US_ASCII);
        Files.writeString(certificateFile, certificatePem(), StandardCharsets.US_ASCII);
    }

    /** Writes the key and certificate into a PKCS#12 keystore under the given alias. */
    public void writePkcs12(Path file, String alias, char[] password) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, privateKey, password, new java.security.cert.Certificate[] {certificate});
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the keystore", e);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate()
                    : object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }
}
