package dev.portcullis.saml;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes a message carried by the HTTP-Redirect binding (saml-bindings-2.0-os 3.4.4.1): strict base64
 * ({@link MessageEnvelope#base64}, as for HTTP-POST), then raw DEFLATE. Inflation is bounded in absolute size and in expansion ratio, so a few kilobytes of
 * crafted DEFLATE data cannot expand into gigabytes (a "deflate bomb"). Thread-safe.
 */
public final class RedirectDecoder {

    /** Largest expansion accepted; ordinary SAML XML compresses about 3 to 10 times. */
    static final int MAX_RATIO = 100;

    private final int maxSize;

    /** @param maxSize largest decoded message, in bytes */
    public RedirectDecoder(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Decodes an already URL-decoded {@code SAMLRequest}/{@code SAMLResponse} parameter. */
    public byte[] decode(String parameter) throws SamlValidationException {
        if (parameter == null || parameter.isBlank()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_RESPONSE, "no message parameter");
        }
        if (parameter.length() > 2L * maxSize) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "parameter of " + parameter.length()
                    + " characters [limit " + maxSize + " bytes]");
        }
        // A '+' that reached us as a space (a query decoded once too often) is put back; then the same strict
        // base64 as the HTTP-POST binding: no character outside the alphabet is skipped.
        byte[] deflated = MessageEnvelope.base64(parameter.replace(' ', '+'), "the parameter");
        long limit = Math.min(maxSize, Math.max(4096L, (long) deflated.length * MAX_RATIO));
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxSize, deflated.length * 4 + 64));
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0) {
                    if (inflater.needsInput() || inflater.needsDictionary()) {
                        throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "truncated DEFLATE data");
                    }
                    continue;
                }
                if (out.size() + n > limit) {
                    throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "DEFLATE data expands beyond "
                            + limit + " bytes (" + deflated.length + " bytes compressed)");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "not raw DEFLATE data");
        } finally {
            inflater.end();
        }
    }
}
