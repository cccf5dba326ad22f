package dev.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.portcullis.session.SsoSession;

/** What a webapp reads from {@code portcullis.attributes}. */
class SessionAttributesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static SsoSession session(Map<String, List<String>> attributes) {
        return new SsoSession("alice", List.of("user"), attributes, "https://idp", "alice", null, null, null, "_s", null,
                NOW, NOW, NOW, NOW.plusSeconds(3600));
    }

    @Test
    void behavesAsTheMapItWasMadeFrom() {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("mail", List.of("alice@example.com"));
        attributes.put("groups", List.of("a", "b"));
        SessionAttributes view = new SessionAttributes(session(attributes));

        assertThat(view).isEqualTo(attributes).hasSize(2);
        assertThat(view.get("groups")).containsExactly("a", "b");
        assertThat(view.get("nope")).isNull();
        assertThat(view.containsKey("mail")).isTrue();
        assertThat(view.containsKey("nope")).isFalse();
        assertThat(view.keySet()).containsExactly("mail", "groups");
        assertThat(view.hashCode()).isEqualTo(attributes.hashCode());
    }

    @Test
    void isReadOnly() {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("mail", List.of("alice@example.com"));
        SessionAttributes view = new SessionAttributes(session(attributes));

        assertThatThrownBy(() -> view.put("mail", List.of("mallory@example.com"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.get("mail").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.entrySet().iterator().next().setValue(List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThat(view.get("mail")).containsExactly("alice@example.com");
    }
}
