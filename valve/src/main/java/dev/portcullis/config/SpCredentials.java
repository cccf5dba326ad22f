package dev.portcullis.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Enumeration;

/**
 * The service provider's own key and certificate: it signs AuthnRequests with them and publishes the
 * certificate in its metadata. Loaded from a PKCS#12 keystore or from a PEM key (PKCS#8) and a PEM
 * certificate; a key that does not belong to its certificate is refused.
 *
 * @param privateKey  the private key
 * @param certificate the certificate published in SP metadata
 */
public record SpCredentials(PrivateKey privateKey, X509Certificate certificate) {

    /** The signature algorithm this key signs with (SHA-256 family). */
    public String jcaSignatureAlgorithm() {
        return "EC".equals(privateKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    }

    /** "P-256" or "P-384" for those curves' parameters, else null. */
    static String curve(java.security.spec.ECParameterSpec params) {
        for (String[] named : new String[][] {{"secp256r1", "P-256"}, {"secp384r1", "P-384"}}) {
            try {
                java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
                parameters.init(new java.security.spec.ECGenParameterSpec(named[0]));
                java.security.spec.ECParameterSpec spec = parameters.getParameterSpec(java.security.spec.ECParameterSpec.class);
                if (spec.getCurve().equals(params.getCurve()) && spec.getOrder().equals(params.getOrder())
                        && spec.getGenerator().equals(params.getGenerator())) {
                    return named[1];
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK does not know curve " + named[0], e);
            }
        }
        return null;
    }

    public static SpCredentials fromPkcs12(Path file, char[] password, String alias) {
        String setting = "spKeystore";
        if (!Files.isReadable(file)) {
            throw new ConfigurationException(setting, "cannot read keystore file " + file + ".");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            String chosen = alias;
            if (chosen == null) {
                for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
                    String candidate = aliases.nextElement();
                    if (store.isKeyEntry(candidate)) {
                        chosen = candidate;
                        break;
                    }
                }
                if (chosen == null) {
                    throw new ConfigurationException(setting, "keystore " + file + " holds no private key.");
                }
            }
            Key key = store.getKey(chosen, password);
            Certificate certificate = store.getCertificate(chosen);
            if (!(key instanceof PrivateKey privateKey) || !(certificate instanceof X509Certificate x509)) {
                throw new ConfigurationException("spKeyAlias", "keystore " + file + " has no private key with a"
                        + " certificate under alias '" + chosen + "'.");
            }
            return checked(setting, new SpCredentials(privateKey, x509));
        } catch (IOException e) {
            throw new ConfigurationException("spKeystorePassword", "cannot open keystore " + file
                    + " (wrong password or not PKCS#12): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(setting, "cannot read keystore " + file + ": " + e.getMessage(), e);
        }
    }

    public static SpCredentials fromPem(Path keyFile, Path certificateFile) {
        PrivateKey key = readPemKey(keyFile);
        X509Certificate certificate = readPemCertificate("spCertificate", certificateFile);
        return checked("spPrivateKey", new SpCredentials(key, certificate));
    }

    /** Reads the first certificate of a PEM (or DER) file. */
    public static X509Certificate readPemCertificate(String setting, Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigurationException(setting, "cannot read certificate file " + file + ".");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigurationException(setting, file + " holds no certificate.");
            }
            return (X509Certificate) certificates.iterator().next();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(setting, file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPemKey(Path file) {
        String setting = "spPrivateKey";
        if (!Files.isReadable(file)) {
            throw new ConfigurationException(setting, "cannot read key file " + file + ".");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException(setting, "cannot read key file " + file + ": " + e.getMessage(), e);
        }
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new ConfigurationException(setting, file + " is not an unencrypted PKCS#8 key; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8' or use a PKCS#12 keystore (spKeystore).");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new ConfigurationException(setting, file + " has no '-----BEGIN PRIVATE KEY-----' block.");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting, file + " has a damaged key block.", e);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigurationException(setting, file + " holds neither an RSA nor an EC private key.");
    }

    private static SpCredentials checked(String setting, SpCredentials credentials) {
        try {
            byte[] probe = "portcullis key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(credentials.jcaSignatureAlgorithm());
            signer.initSign(credentials.privateKey());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(credentials.jcaSignatureAlgorithm());
            verifier.initVerify(credentials.certificate().getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new ConfigurationException(setting, "the private key does not belong to the certificate.");
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(setting, "the private key does not belong to the certificate ("
                    + e.getMessage() + ").", e);
        }
        if (credentials.privateKey() instanceof java.security.interfaces.ECPrivateKey ec && curve(ec.getParams()) == null) {
            // Only the NIST curves IdPs verify (XML DSig's ECDSA URIs name the hash, not the curve; P-256 and P-384
            // are what SAML products support); another curve would fail at every IdP, and silently.
            throw new ConfigurationException(setting, "the EC key is on a curve other than P-256 (secp256r1) or P-384"
                    + " (secp384r1), which IdPs do not verify; make it with 'openssl req -x509 -newkey ec -pkeyopt"
                    + " ec_paramgen_curve:P-256 ...'.");
        }
        if ("RSA".equals(credentials.privateKey().getAlgorithm())
                && credentials.certificate().getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa
                && rsa.getModulus().bitLength() < 2048) {
            throw new ConfigurationException(setting, "the RSA key has " + rsa.getModulus().bitLength()
                    + " bits; at least 2048 are required.");
        }
        return credentials;
    }
}
