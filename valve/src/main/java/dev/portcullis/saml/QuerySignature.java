package dev.portcullis.saml;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Verifies the signature of a message sent with the HTTP-Redirect binding (saml-bindings-2.0-os
 * 3.4.4.1): the signature covers the octets {@code SAMLRequest=...&RelayState=...&SigAlg=...} exactly as
 * they appear in the received query string, in that order. The algorithm must be on the
 * {@link AlgorithmPolicy} allowlist, and only the IdP's metadata keys are tried.
 */
final class QuerySignature {

    private QuerySignature() {
    }

    static void verify(String rawQuery, String parameter, List<PublicKey> keys, AlgorithmPolicy policy)
            throws SamlValidationException {
        Map<String, String> raw = InboundMessage.rawParameters(rawQuery);
        String sigAlgRaw = raw.get(SamlConstants.SIG_ALG);
        String signatureRaw = raw.get(SamlConstants.SIGNATURE);
        if (sigAlgRaw == null || signatureRaw == null) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "the Redirect-binding " + parameter
                    + " carries no SigAlg/Signature");
        }
        String sigAlg = java.net.URLDecoder.decode(sigAlgRaw, StandardCharsets.UTF_8);
        String keyAlgorithm = policy.keyAlgorithmFor(sigAlg);
        if (keyAlgorithm == null) {
            throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM, "SigAlg ["
                    + SecureXml.truncate(sigAlg) + "] is not allowed");
        }
        byte[] signature;
        try {
            signature = Base64.getMimeDecoder().decode(java.net.URLDecoder.decode(signatureRaw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, "the Signature parameter is not base64");
        }
        StringBuilder signed = new StringBuilder(rawQuery.length());
        signed.append(parameter).append('=').append(raw.get(parameter));
        if (raw.containsKey(SamlConstants.RELAY_STATE)) {
            signed.append("&RelayState=").append(raw.get(SamlConstants.RELAY_STATE));
        }
        signed.append("&SigAlg=").append(sigAlgRaw);
        byte[] octets = signed.toString().getBytes(StandardCharsets.US_ASCII);
        for (PublicKey key : keys) {
            if (!keyAlgorithm.equals(key.getAlgorithm())) {
                continue;
            }
            try {
                Signature verifier = verifier(sigAlg);
                verifier.initVerify(key);
                verifier.update(octets);
                if (verifier.verify(signature)) {
                    return;
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // a malformed value for this key: try the next, refuse below
            }
        }
        throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, "the Redirect-binding signature does not verify"
                + " with any of the IdP's signing keys [SigAlg " + sigAlg + "]");
    }

    private static Signature verifier(String sigAlg) throws GeneralSecurityException {
        return switch (sigAlg) {
            case AlgorithmPolicy.RSA_SHA1 -> Signature.getInstance("SHA1withRSA");
            case AlgorithmPolicy.RSA_SHA256 -> Signature.getInstance("SHA256withRSA");
            case AlgorithmPolicy.RSA_SHA384 -> Signature.getInstance("SHA384withRSA");
            case AlgorithmPolicy.RSA_SHA512 -> Signature.getInstance("SHA512withRSA");
            case AlgorithmPolicy.ECDSA_SHA256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
            case AlgorithmPolicy.ECDSA_SHA384 -> Signature.getInstance("SHA384withECDSAinP1363Format");
            case AlgorithmPolicy.ECDSA_SHA512 -> Signature.getInstance("SHA512withECDSAinP1363Format");
            case AlgorithmPolicy.RSA_PSS_SHA256 -> pss("SHA-256", MGF1ParameterSpec.SHA256, 32);
            case AlgorithmPolicy.RSA_PSS_SHA384 -> pss("SHA-384", MGF1ParameterSpec.SHA384, 48);
            case AlgorithmPolicy.RSA_PSS_SHA512 -> pss("SHA-512", MGF1ParameterSpec.SHA512, 64);
            default -> throw new GeneralSecurityException("no verifier for " + sigAlg);
        };
    }

    private static Signature pss(String digest, MGF1ParameterSpec mgf, int saltLength) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(new PSSParameterSpec(digest, "MGF1", mgf, saltLength, 1));
        return signature;
    }
}
