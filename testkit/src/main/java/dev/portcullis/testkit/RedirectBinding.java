package dev.portcullis.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Reads and checks messages sent with the SAML HTTP-Redirect binding, for tests. */
public final class RedirectBinding {

    private RedirectBinding() {
    }

    /** Inflates a (URL-decoded) SAMLRequest/SAMLResponse parameter into XML text. */
    public static String inflate(String base64) {
        byte[] deflated = Base64.getMimeDecoder().decode(base64);
        Inflater inflater = new Inflater(true);
        inflater.setInput(deflated);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not raw DEFLATE data", e);
        } finally {
            inflater.end();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Verifies the query-string signature of a Redirect-binding URL: the signed octets are
     * {@code SAMLRequest=..&RelayState=..&SigAlg=..} exactly as they appear in the URL.
     */
    public static boolean verify(String url, PublicKey key) {
        String query = url.substring(url.indexOf('?') + 1);
        String message = null;
        String relay = null;
        String sigAlg = null;
        String signature = null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("SAMLRequest=") || pair.startsWith("SAMLResponse=")) {
                message = pair;
            } else if (pair.startsWith("RelayState=")) {
                relay = pair;
            } else if (pair.startsWith("SigAlg=")) {
                sigAlg = pair;
            } else if (pair.startsWith("Signature=")) {
                signature = java.net.URLDecoder.decode(pair.substring(10), StandardCharsets.UTF_8);
            }
        }
        if (message == null || sigAlg == null || signature == null) {
            return false;
        }
        String signed = message + (relay == null ? "" : "&" + relay) + "&" + sigAlg;
        String algorithm = sigAlg.contains("ecdsa-sha384") ? "SHA384withECDSAinP1363Format"
                : sigAlg.contains("ecdsa-sha256") ? "SHA256withECDSAinP1363Format"
                : sigAlg.contains("rsa-sha256") ? "SHA256withRSA" : "unknown";
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
