package dev.portcullis.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random identifiers and their hashes. A session id is 256 bits from {@link SecureRandom}; the cache
 * key and the audit log use its SHA-256, so neither a cache dump nor a log line holds a usable cookie.
 */
public final class SessionIds {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public SessionIds(SecureRandom random) {
        this.random = random;
    }

    /** A new random token of {@code bytes} bytes, base64url without padding. */
    public String newToken(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return URL.encodeToString(value);
    }

    /** Whether a string could be a token of that many bytes (cheap check before any lookup). */
    public static boolean looksLikeToken(String value, int bytes) {
        int length = (bytes * 8 + 5) / 6;
        if (value == null || value.length() != length) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 of the value, base64url. */
    public static String hash(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return URL.encodeToString(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short form of the hash for log lines: enough to correlate, useless as a credential. */
    public static String logHash(String value) {
        return hash(value).substring(0, 16);
    }
}
