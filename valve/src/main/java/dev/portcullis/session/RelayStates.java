package dev.portcullis.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.portcullis.saml.ReplayCache;

/**
 * RelayState handles that carry their own proof, so that a sign-in (or Single Logout) in progress
 * never depends on a cache entry that a flood of requests could push out.
 *
 * <p>A handle is 22 bytes in base64url (30 characters, well under the 80 bytes SAML allows for
 * RelayState): what it is for (1 byte), when it was issued (5 bytes, epoch seconds) and 16 random
 * bytes. The ID of the AuthnRequest or LogoutRequest sent with it is {@code "_"} and an HMAC-SHA256 of
 * the handle (160 bits kept) under a key that only this valve, on every node, holds. The IdP's answer
 * must carry that ID in its signed InResponseTo, so it proves that the handle was issued here, for that
 * purpose, at that time, with nothing stored: without the key nobody can make an ID for a handle of
 * their own, age a handle backwards or turn a logout handle into a sign-in one.
 *
 * <p>Single use is kept by {@link #consume}, after the answer has been validated, in the replay cache:
 * only an answer the IdP signed can add an entry there, so a flood cannot fill it.
 *
 * <p>The key is derived from the SP's private key (so every node with the same configuration shares
 * it), or random per start when there is none; then a sign-in must finish on the node where it began.
 * Thread-safe.
 */
public final class RelayStates {

    /**
     * What a handle starts; its code is the handle's first byte, inside the MAC'd bytes, so a handle only
     * ever serves its own purpose. Handles travel between nodes (the IdP may answer any of them) and
     * outlive a rolling upgrade, so each code is written out here and never derived from the order of the
     * constants: a new purpose takes a new code, a retired code is never reused (RelayStatesTest pins them).
     */
    public enum Purpose {
        /** A sign-in with the options every sign-in uses. */
        SIGN_IN(1),
        /** A sign-in that asked for the step-up authentication context. */
        STEP_UP(2),
        /** An SP-initiated Single Logout. */
        LOGOUT(3);

        private final byte code;

        Purpose(int code) {
            this.code = (byte) code;
        }

        /** The byte this purpose is written as in a handle. */
        public byte code() {
            return code;
        }

        /** The purpose a handle's first byte names, or null for a code no purpose has. */
        static Purpose of(byte code) {
            for (Purpose purpose : values()) {
                if (purpose.code == code) {
                    return purpose;
                }
            }
            return null;
        }
    }

    /**
     * A handle that this valve issued.
     *
     * @param value     the RelayState
     * @param messageId the ID of the request sent with it; the IdP's InResponseTo must equal it
     * @param expiresAt when the IdP's answer comes too late (issued + loginRequestTimeout)
     */
    public record Handle(String value, Purpose purpose, Instant issuedAt, Instant expiresAt, String messageId) {
    }

    static final int BYTES = 1 + 5 + 16;
    private static final int MAC_BYTES = 20;
    private static final byte[] KEY_LABEL = "portcullis relay-state key v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECRET_KEY_LABEL = "portcullis relay-state key from client secret v1"
            .getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final SecureRandom random;
    private final Clock clock;
    private final Duration lifetime;
    private final ReplayCache used;

    /**
     * @param key      at least 32 bytes of secret; see {@link #keyFrom}
     * @param lifetime how long an answer to a handle is accepted (loginRequestTimeout)
     * @param used     where a handle is marked used
     */
    public RelayStates(byte[] key, SecureRandom random, Clock clock, Duration lifetime, ReplayCache used) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a relay-state key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.random = random;
        this.clock = clock;
        this.lifetime = lifetime;
        this.used = used;
    }

    /**
     * The MAC key for handles: HMAC-SHA256 of the SP private key's encoding under a fixed label (an
     * HKDF extract), so nodes sharing the SP key share it, and it reveals nothing about that key; or 32
     * random bytes without an SP key.
     */
    public static byte[] keyFrom(PrivateKey spKey, SecureRandom random) {
        if (spKey == null || spKey.getEncoded() == null) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            return key;
        }
        return hmac(KEY_LABEL, spKey.getEncoded());
    }

    /**
     * The MAC key for handles from an OpenID Connect client secret, when there is no SP key: HMAC-SHA256 of the secret
     * under its own label, so that every node with the same client shares it (a sign-in may finish on any node) and
     * the key reveals nothing about the secret. Whoever knows the secret (the provider) could make handles, but it
     * can already sign ID tokens for anyone.
     */
    public static byte[] keyFromSecret(String clientSecret) {
        return hmac(SECRET_KEY_LABEL, clientSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** A new handle, issued now. */
    public Handle issue(Purpose purpose) {
        long issued = clock.instant().getEpochSecond();
        ByteBuffer bytes = ByteBuffer.allocate(BYTES);
        bytes.put(purpose.code());
        bytes.put((byte) (issued >>> 32)).putInt((int) issued);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        bytes.put(nonce);
        Instant issuedAt = Instant.ofEpochSecond(issued);
        return new Handle(URL.encodeToString(bytes.array()), purpose, issuedAt, issuedAt.plus(lifetime),
                messageId(bytes.array()));
    }

    /**
     * Reads a RelayState as a handle for one of {@code purposes}: empty when it is not one (wrong length or
     * characters, another purpose) or has expired. Whether this valve really issued it is proven only
     * by the IdP's signed InResponseTo matching {@link Handle#messageId}.
     */
    public Optional<Handle> read(String relayState, Set<Purpose> purposes) {
        if (!SessionIds.looksLikeToken(relayState, BYTES)) {
            return Optional.empty();
        }
        byte[] bytes = URL_DECODER.decode(relayState);
        Purpose purpose = Purpose.of(bytes[0]);
        // Base64 leaves spare bits in the last character: only the one spelling this valve writes counts,
        // so a used handle cannot come back as a look-alike.
        if (purpose == null || !purposes.contains(purpose) || !URL.encodeToString(bytes).equals(relayState)) {
            return Optional.empty();
        }
        long issued = ((bytes[1] & 0xffL) << 32) | (ByteBuffer.wrap(bytes, 2, 4).getInt() & 0xffffffffL);
        Instant issuedAt = Instant.ofEpochSecond(issued);
        Instant expiresAt = issuedAt.plus(lifetime);
        if (!clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(new Handle(relayState, purpose, issuedAt, expiresAt, messageId(bytes)));
    }

    /**
     * Marks a handle used, atomically (across nodes when the replay cache is shared). Call it only
     * once the IdP's answer has been validated against {@link Handle#messageId}.
     *
     * @return true the first time, false when the handle had been used already
     */
    public boolean consume(Handle handle) {
        return used.firstUse("relay-state\n" + handle.value(), handle.expiresAt());
    }

    /**
     * A secret bound to a handle: HMAC-SHA256 under the handle key of a label and the handle, 43 base64url
     * characters. Unlike {@link Handle#messageId}, which travels to the IdP, it is never sent with the handle, so
     * it can serve as the PKCE code verifier of an OpenID Connect sign-in (RFC 7636 4.1: 43 to 128 unreserved
     * characters, 256 bits here): recomputed at the callback from the state alone, on any node with the key.
     */
    public String secret(Handle handle, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(label.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return URL.encodeToString(mac.doFinal(URL_DECODER.decode(handle.value())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private String messageId(byte[] handle) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] full = mac.doFinal(handle);
            return "_" + URL.encodeToString(Arrays.copyOf(full, MAC_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
