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
    private static final MessageDigest SHA256 = newSha256();

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
        return URL.encodeToString(sha256().digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** A fresh SHA-256 digest: a clone of one made at start, cheaper than a provider lookup per request. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short form of the hash for log lines: enough to correlate, useless as a credential. */
    public static String logHash(String value) {
        return hash(value).substring(0, 16);
    }
}
