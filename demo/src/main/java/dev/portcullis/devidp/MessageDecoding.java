package dev.portcullis.devidp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The two ways a SAML message from the SP arrives, undone with bounds: base64 (HTTP-POST binding) and
 * base64 of raw DEFLATE (HTTP-Redirect binding). Stateless.
 */
final class MessageDecoding {

    /** Largest decoded message accepted (real AuthnRequests and logout messages are under 4 KB): bounds a "zip bomb". */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private MessageDecoding() {
    }

    /** An HTTP-POST binding form field: base64 of the XML, at most {@link #MAX_MESSAGE_BYTES}. */
    static byte[] post(String field) throws RequestRejected {
        if (field == null || field.isBlank()) {
            throw new RequestRejected(Rejection.MISSING_REQUEST, "no SAML message form field");
        }
        if (field.length() > 2L * MAX_MESSAGE_BYTES) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the form field has " + field.length() + " characters");
        }
        byte[] bytes = base64(field);
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the message is " + bytes.length + " bytes long");
        }
        return bytes;
    }

    /** An HTTP-Redirect binding parameter (URL-decoded): base64 of raw DEFLATE data. */
    static byte[] redirect(String decodedParameter) throws RequestRejected {
        if (decodedParameter.length() > 2L * MAX_MESSAGE_BYTES) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the parameter has " + decodedParameter.length()
                    + " characters");
        }
        return inflate(base64(decodedParameter));
    }

    private static byte[] base64(String text) throws RequestRejected {
        try {
            return Base64.getMimeDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the SAML message is not base64", e);
        }
    }

    /** Raw DEFLATE (RFC 1951, no zlib header), as the Redirect binding prescribes, at most {@link #MAX_MESSAGE_BYTES}. */
    private static byte[] inflate(byte[] deflated) throws RequestRejected {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the DEFLATE stream is truncated");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_MESSAGE_BYTES) {
                    throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the message inflates past "
                            + MAX_MESSAGE_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the SAML message is not raw DEFLATE data", e);
        } finally {
            inflater.end();
        }
    }
}
