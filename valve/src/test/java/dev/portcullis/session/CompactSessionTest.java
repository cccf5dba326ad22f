package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A session is kept compact (canonical shared values, attribute values in one string, instants as
 * milliseconds), and must still give back exactly what it was given.
 */
class CompactSessionTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00.123Z");

    private static Map<String, List<String>> attributes() {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("urn:oid:2.5.4.42", List.of("Zoë"));
        attributes.put("mail", List.of("alice@example.com"));
        attributes.put("none", List.of());
        attributes.put("empty", List.of("", ""));
        attributes.put("groups", List.of("漢字", "a,b", "x\ny"));
        attributes.put("roles", List.of("user", "admin"));
        return attributes;
    }

    /** The same content in fresh String instances, as each sign-in's parsing produces them. */
    private static String fresh(String value) {
        return new String(value.toCharArray());
    }

    private static SsoSession session(String nameId) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes().forEach((name, values) -> attributes.put(fresh(name), values.stream().map(CompactSessionTest::fresh).toList()));
        return new SsoSession(fresh(nameId), List.of(fresh("user"), fresh("admin")), attributes,
                fresh("https://idp.example.org"), fresh(nameId), fresh("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
                null, null, "_s-" + nameId, fresh("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"),
                NOW.minusSeconds(5), NOW, NOW, NOW.plus(Duration.ofHours(8)));
    }

    @Test
    void givesBackEveryAttributeInOrderWithItsValues() {
        SsoSession session = session("alice@example.com");

        assertThat(session.attributes()).isEqualTo(attributes());
        assertThat(new ArrayList<>(session.attributes().keySet())).containsExactlyElementsOf(attributes().keySet());
        assertThat(session.attributeValues("groups")).containsExactly("漢字", "a,b", "x\ny");
        assertThat(session.attributeValues("empty")).containsExactly("", "");
        assertThat(session.attributeValues("none")).isEmpty();
        assertThat(session.attributeValues("unknown")).isNull();
        assertThat(session.attributeCount()).isEqualTo(6);
        assertThat(session.attributeName(1)).isEqualTo("mail");
    }

    @Test
    void keepsInstantsToTheMillisecond() {
        SsoSession session = session("alice@example.com");

        assertThat(session.createdAt()).isEqualTo(NOW);
        assertThat(session.authnInstant()).isEqualTo(NOW.minusSeconds(5));
        assertThat(session.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(8)));
        assertThat(session.endCause(NOW.plus(Duration.ofMinutes(29)), Duration.ofMinutes(30))).isNull();
        assertThat(session.endCause(NOW.plus(Duration.ofMinutes(30)), Duration.ofMinutes(30))).isEqualTo(SsoSession.EndCause.IDLE);
        assertThat(session.endCause(NOW.plus(Duration.ofHours(8)), Duration.ofHours(9))).isEqualTo(SsoSession.EndCause.LIFETIME);
        assertThat(session.idleDeadline(Duration.ofMinutes(30))).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        assertThat(session.touchedAt(NOW.plusSeconds(61)).lastAccessOlderThan(NOW.plusSeconds(120), Duration.ofMinutes(1)))
                .isFalse();
        assertThat(session.lastAccessOlderThan(NOW.plusSeconds(60), Duration.ofMinutes(1))).isTrue();
    }

    @Test
    void sharesWhatEveryUserHasAndNothingAUserOwns() {
        SsoSession alice = session("alice@example.com");
        SsoSession bob = session("bob@example.com");

        assertThat(bob.roles()).isSameAs(alice.roles());
        assertThat(bob.idpEntityId()).isSameAs(alice.idpEntityId());
        assertThat(bob.nameIdFormat()).isSameAs(alice.nameIdFormat());
        assertThat(bob.authnContextClassRef()).isSameAs(alice.authnContextClassRef());
        assertThat(bob.attributeName(0)).isSameAs(alice.attributeName(0));
        assertThat(bob.nameId()).isNotSameAs(alice.nameId()).isEqualTo("bob@example.com");
        assertThat(alice.principal()).isSameAs(alice.nameId());
    }

    @Test
    void aTouchedCopyKeepsEverythingButTheLastAccess() {
        SsoSession session = session("alice@example.com").withWebappSession("/app ABC");
        SsoSession touched = session.touchedAt(NOW.plusSeconds(90));

        assertThat(touched.lastAccess()).isEqualTo(NOW.plusSeconds(90));
        assertThat(touched.attributes()).isEqualTo(session.attributes());
        assertThat(touched.webappSessions()).containsExactly("/app ABC");
        assertThat(touched.sessionIndex()).isEqualTo(session.sessionIndex());
        assertThat(touched).isNotSameAs(session);
    }

    @Test
    void theCanonicalTableStopsGrowingAtItsLimit() {
        Canonical small = new Canonical(3);
        String first = small.string(fresh("a"));
        small.string("b");
        small.string("c");
        String overflow = fresh("d");

        assertThat(small.string(overflow)).isSameAs(overflow);
        assertThat(small.string(fresh("d"))).isNotSameAs(overflow);
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.string(fresh("a"))).isSameAs(first);
    }

    @Test
    void roundTripsThroughTheSerializer() {
        SsoSession session = session("alice@example.com").withWebappSession("/app ABC");
        SsoSessionSerializer serializer = new SsoSessionSerializer();

        SsoSession copy = serializer.read(serializer.serialize(session));

        assertThat(copy.attributes()).isEqualTo(session.attributes());
        assertThat(copy.roles()).isSameAs(session.roles());
        assertThat(copy.createdAt()).isEqualTo(session.createdAt());
        assertThat(copy.webappSessions()).containsExactly("/app ABC");
        assertThat(serializer.equals(session, serializer.serialize(copy))).isTrue();
    }

    @Test
    void anOidcSessionKeepsItsIdTokenAndOnlyItWritesVersion3() {
        SsoSessionSerializer serializer = new SsoSessionSerializer();
        SsoSession saml = session("alice@example.com");
        assertThat(serializer.serialize(saml).get(0)).as("SAML sessions stay readable by the previous release").isEqualTo((byte) 2);

        java.time.Instant now = java.time.Instant.parse("2026-12-07T09:00:00Z");
        SsoSession oidc = new SsoSession("alice", java.util.List.of("user"), java.util.Map.of(), "https://op.example",
                "f3a1", SsoSession.OIDC_SUBJECT, null, null, "sid-1", "gold", null, now, now, now.plusSeconds(3600),
                java.util.List.of(), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln").withWebappSession("/app ABC").touchedAt(now.plusSeconds(90));
        java.nio.ByteBuffer written = serializer.serialize(oidc);
        assertThat(written.get(0)).isEqualTo((byte) 3);

        SsoSession copy = serializer.read(written);
        assertThat(copy.idToken()).isEqualTo("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        assertThat(copy.oidc()).isTrue();
        assertThat(copy).isEqualTo(oidc);
        assertThat(copy).isNotEqualTo(new SsoSession("alice", java.util.List.of("user"), java.util.Map.of(),
                "https://op.example", "f3a1", SsoSession.OIDC_SUBJECT, null, null, "sid-1", "gold", null, now, now,
                now.plusSeconds(3600), java.util.List.of(), "another.id.token").withWebappSession("/app ABC")
                .touchedAt(now.plusSeconds(90)));
        assertThat(serializer.read(serializer.serialize(saml)).idToken()).isNull();
    }
}
