package dev.portcullis.saml;

import java.util.Map;
import java.util.Set;

/**
 * Which XML Signature algorithms Portcullis accepts from an IdP. An allowlist: anything not named here
 * (HMAC, which would let a public key serve as a shared secret; MD5; "none"; unknown URIs) is refused
 * before any cryptography runs. SHA-1 only with an explicit opt-in. Immutable and thread-safe.
 */
public final class AlgorithmPolicy {

    public static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public static final String RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    public static final String RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    public static final String RSA_PSS_SHA256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1";
    public static final String RSA_PSS_SHA384 = "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1";
    public static final String RSA_PSS_SHA512 = "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1";
    public static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    public static final String ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    public static final String ECDSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";

    public static final String SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    public static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public static final String SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    public static final String SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512";

    public static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    public static final String ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    /** Signature algorithm URI → the key algorithm it needs. */
    private static final Map<String, String> STRONG_SIGNATURES = Map.of(
            RSA_SHA256, "RSA", RSA_SHA384, "RSA", RSA_SHA512, "RSA",
            RSA_PSS_SHA256, "RSA", RSA_PSS_SHA384, "RSA", RSA_PSS_SHA512, "RSA",
            ECDSA_SHA256, "EC", ECDSA_SHA384, "EC", ECDSA_SHA512, "EC");
    private static final Set<String> STRONG_DIGESTS = Set.of(SHA256, SHA384, SHA512);

    private final boolean allowSha1;

    public AlgorithmPolicy(boolean allowSha1) {
        this.allowSha1 = allowSha1;
    }

    /** The JCA key algorithm ("RSA" or "EC") a signature algorithm needs, or null when it is not allowed. */
    public String keyAlgorithmFor(String signatureAlgorithm) {
        if (allowSha1 && RSA_SHA1.equals(signatureAlgorithm)) {
            return "RSA";
        }
        // Map.of and Set.of throw on a null lookup: an absent Algorithm attribute is simply not allowed.
        return signatureAlgorithm == null ? null : STRONG_SIGNATURES.get(signatureAlgorithm);
    }

    public boolean isAllowedDigest(String digestAlgorithm) {
        return digestAlgorithm != null
                && (STRONG_DIGESTS.contains(digestAlgorithm) || (allowSha1 && SHA1.equals(digestAlgorithm)));
    }

    /** SignedInfo canonicalization: exclusive c14n without comments, as the SAML signature profile uses. */
    public boolean isAllowedCanonicalization(String algorithm) {
        return EXC_C14N.equals(algorithm);
    }

    public boolean allowsSha1() {
        return allowSha1;
    }
}
