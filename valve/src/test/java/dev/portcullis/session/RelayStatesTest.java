package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.RelayStates.Purpose;
import dev.portcullis.testkit.TestClock;

/**
 * RelayState handles prove themselves: the request ID is a MAC of the handle, so an attacker who
 * changes anything in a handle (its time, its purpose, its spelling) or makes one up cannot know the ID
 * the IdP's signed InResponseTo would have to carry. Each attack next to the unmodified handle.
 */
class RelayStatesTest {

    private static final Set<Purpose> SIGN_INS = EnumSet.of(Purpose.SIGN_IN, Purpose.STEP_UP);
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final TestClock clock = new TestClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final Map<String, Instant> used = new HashMap<>();
    private final RelayStates relayStates = relayStates(key(1));

    private RelayStates relayStates(byte[] key) {
        return new RelayStates(key, new SecureRandom(), clock, Duration.ofMinutes(10),
                (k, keepUntil) -> used.putIfAbsent(k, keepUntil) == null);
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        key[0] = (byte) seed;
        return key;
    }

    private static String spell(byte[] bytes) {
        return URL.encodeToString(bytes);
    }

    @Test
    void anIssuedHandleReadsBackWithItsMessageId() {
        Handle issued = relayStates.issue(Purpose.SIGN_IN);

        assertThat(issued.value()).hasSize(30).matches("[A-Za-z0-9_-]+");
        assertThat(issued.messageId()).startsWith("_").hasSize(28);
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        Handle read = relayStates.read(issued.value(), SIGN_INS).orElseThrow();
        assertThat(read).isEqualTo(issued);
        assertThat(relayStates.issue(Purpose.SIGN_IN).messageId()).isNotEqualTo(issued.messageId());
    }

    @Test
    void anotherKeyGivesAnotherMessageId() {
        Handle issued = relayStates.issue(Purpose.SIGN_IN);

        assertThat(relayStates(key(1)).read(issued.value(), SIGN_INS)).get().extracting(Handle::messageId)
                .isEqualTo(issued.messageId());
        assertThat(relayStates(key(2)).read(issued.value(), SIGN_INS)).get().extracting(Handle::messageId)
                .isNotEqualTo(issued.messageId());
    }

    @Test
    void aHandleMadeYoungerNoLongerMatchesItsRequest() {
        Handle issued = relayStates.issue(Purpose.SIGN_IN);
        clock.advance(Duration.ofMinutes(11));
        assertThat(relayStates.read(issued.value(), SIGN_INS)).isEmpty();

        byte[] bytes = Base64.getUrlDecoder().decode(issued.value());
        ByteBuffer time = ByteBuffer.wrap(bytes, 2, 4);
        time.putInt(2, time.getInt(2) + 120);   // issued two minutes later than it was
        Handle younger = relayStates.read(spell(bytes), SIGN_INS).orElseThrow();
        assertThat(younger.issuedAt()).isEqualTo(issued.issuedAt().plusSeconds(120));
        assertThat(younger.messageId()).isNotEqualTo(issued.messageId());
    }

    @Test
    void aHandleExpiresAfterItsLifetime() {
        Handle issued = relayStates.issue(Purpose.SIGN_IN);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(relayStates.read(issued.value(), SIGN_INS)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(relayStates.read(issued.value(), SIGN_INS)).isEmpty();
    }

    @Test
    void aPurposeIsReadOnlyWhereItIsExpected() {
        Handle logout = relayStates.issue(Purpose.LOGOUT);

        assertThat(relayStates.read(logout.value(), SIGN_INS)).isEmpty();
        assertThat(relayStates.read(logout.value(), EnumSet.of(Purpose.LOGOUT))).isPresent();
    }

    @Test
    void changingThePurposeChangesTheMessageId() {
        Handle signIn = relayStates.issue(Purpose.SIGN_IN);
        byte[] bytes = Base64.getUrlDecoder().decode(signIn.value());
        bytes[0] = 2;   // STEP_UP

        Handle stepUp = relayStates.read(spell(bytes), SIGN_INS).orElseThrow();
        assertThat(stepUp.purpose()).isEqualTo(Purpose.STEP_UP);
        assertThat(stepUp.messageId()).isNotEqualTo(signIn.messageId());
        bytes[0] = 9;   // no purpose
        assertThat(relayStates.read(spell(bytes), EnumSet.allOf(Purpose.class))).isEmpty();
    }

    @Test
    void aLookAlikeSpellingIsNotTheHandle() {
        Handle issued = relayStates.issue(Purpose.SIGN_IN);
        String value = issued.value();
        // 22 bytes use 176 of the last character's bits 180: the 4 spare bits change the spelling only.
        char last = value.charAt(29);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int index = alphabet.indexOf(last);
        String lookAlike = value.substring(0, 29) + alphabet.charAt((index & ~0x0f) | ((index + 1) & 0x0f));
        assertThat(Base64.getUrlDecoder().decode(lookAlike)).isEqualTo(Base64.getUrlDecoder().decode(value));

        assertThat(relayStates.read(lookAlike, SIGN_INS)).isEmpty();
        assertThat(relayStates.read(value, SIGN_INS)).isPresent();
    }

    @Test
    void whatIsNoHandleIsNotRead() {
        for (String notAHandle : new String[] {null, "", "short", "A".repeat(29), "A".repeat(31), "A".repeat(29) + "!",
                "/app/?next=https://evil.example"}) {
            assertThat(relayStates.read(notAHandle, EnumSet.allOf(Purpose.class))).as(String.valueOf(notAHandle)).isEmpty();
        }
    }

    @Test
    void aHandleIsConsumedOnce() {
        Handle handle = relayStates.issue(Purpose.SIGN_IN);
        Handle other = relayStates.issue(Purpose.SIGN_IN);

        assertThat(relayStates.consume(handle)).isTrue();
        assertThat(relayStates.consume(handle)).isFalse();
        assertThat(relayStates.consume(other)).isTrue();
        assertThat(used).containsValue(handle.expiresAt());
    }

    /**
     * Handles cross process boundaries: issued on one node, answered on another, possibly across a
     * rolling upgrade. The byte each purpose is written as must never change, whatever order the enum
     * lists them in; a new purpose gets a new line here.
     */
    @Test
    void purposeCodesArePinned() {
        Map<Purpose, Integer> pinned = Map.of(Purpose.SIGN_IN, 1, Purpose.STEP_UP, 2, Purpose.LOGOUT, 3);

        assertThat(EnumSet.allOf(Purpose.class)).as("every purpose has a pinned code").isEqualTo(pinned.keySet());
        pinned.forEach((purpose, code) -> {
            assertThat(purpose.code()).as(purpose.name()).isEqualTo(code.byteValue());
            assertThat(Purpose.of(code.byteValue())).isEqualTo(purpose);
        });
        assertThat(Purpose.of((byte) 0)).isNull();
        assertThat(Purpose.of((byte) 4)).isNull();
    }

    /**
     * A step-up handle as this version writes it (code 2, issued 2026-11-27T09:58:20Z, sixteen 0x2a
     * bytes, key(1)) must keep reading as a step-up with the same request ID on the next version.
     */
    @Test
    void aHandleWrittenByThisVersionKeepsItsMeaning() {
        ByteBuffer bytes = ByteBuffer.allocate(RelayStates.BYTES);
        long issued = Instant.parse("2026-11-27T09:58:20Z").getEpochSecond();
        bytes.put((byte) 2).put((byte) (issued >>> 32)).putInt((int) issued);
        while (bytes.hasRemaining()) {
            bytes.put((byte) 0x2a);
        }
        String handle = spell(bytes.array());

        assertThat(handle).isEqualTo(GOLDEN_HANDLE);
        Handle read = relayStates.read(GOLDEN_HANDLE, EnumSet.allOf(Purpose.class)).orElseThrow();
        assertThat(read.purpose()).isEqualTo(Purpose.STEP_UP);
        assertThat(read.issuedAt()).isEqualTo(Instant.parse("2026-11-27T09:58:20Z"));
        assertThat(read.messageId()).isEqualTo(GOLDEN_MESSAGE_ID);
    }

    private static final String GOLDEN_HANDLE = "AgBrCVQ8KioqKioqKioqKioqKioqKg";
    private static final String GOLDEN_MESSAGE_ID = "_A3vLJcatsY_xtHmC_HieJp4i4lY";

    @Test
    void theKeyComesFromTheSpKeySoEveryNodeSharesIt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey spKey = generator.generateKeyPair().getPrivate();
        PrivateKey otherKey = generator.generateKeyPair().getPrivate();
        SecureRandom random = new SecureRandom();

        assertThat(RelayStates.keyFrom(spKey, random)).hasSize(32).isEqualTo(RelayStates.keyFrom(spKey, random));
        assertThat(RelayStates.keyFrom(otherKey, random)).isNotEqualTo(RelayStates.keyFrom(spKey, random));
        assertThat(RelayStates.keyFrom(null, random)).hasSize(32).isNotEqualTo(RelayStates.keyFrom(null, random));
    }

    @Test
    void nodesSharingAnOidcClientSecretAgreeOnHandlesAndTheirSecrets() {
        Handle issued = relayStates(RelayStates.keyFromSecret("client-secret")).issue(Purpose.SIGN_IN);
        RelayStates otherNode = relayStates(RelayStates.keyFromSecret("client-secret"));
        Handle read = otherNode.read(issued.value(), SIGN_INS).orElseThrow();
        assertThat(read.messageId()).isEqualTo(issued.messageId());
        assertThat(otherNode.secret(read, "oidc-pkce-code-verifier"))
                .isEqualTo(relayStates(RelayStates.keyFromSecret("client-secret")).secret(issued, "oidc-pkce-code-verifier"))
                .hasSize(43).matches("[A-Za-z0-9_-]+");

        RelayStates anotherClient = relayStates(RelayStates.keyFromSecret("another-secret"));
        Handle elsewhere = anotherClient.read(issued.value(), SIGN_INS).orElseThrow();
        assertThat(elsewhere.messageId()).isNotEqualTo(issued.messageId());
        assertThat(anotherClient.secret(elsewhere, "oidc-pkce-code-verifier"))
                .isNotEqualTo(otherNode.secret(read, "oidc-pkce-code-verifier"));
        // A secret is bound to its label: the verifier is not the nonce's MAC or any other derived value.
        assertThat(otherNode.secret(read, "another-label")).isNotEqualTo(otherNode.secret(read, "oidc-pkce-code-verifier"));
        assertThat(RelayStates.keyFromSecret("client-secret")).isNotEqualTo("client-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
