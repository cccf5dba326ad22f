package dev.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What reaches Log4j from {@link AuditLog}: for each method, exactly the fields its {@link AuditEvent}
 * declares, at the event's level, as one JSON object whose values cannot forge a field. Together with
 * AuditDocTest (the doc equals the enums) this makes docs/AUDIT.md a description of the lines written.
 */
class AuditLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoggerContext context;
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private AuditLog audit;

    @BeforeEach
    void start() {
        context = new LoggerContext("audit-log-test");
        DefaultConfiguration configuration = new DefaultConfiguration();
        context.start(configuration);
        AbstractAppender collect = new AbstractAppender("collect", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        collect.start();
        configuration.getRootLogger().addAppender(collect, org.apache.logging.log4j.Level.ALL, null);
        configuration.getRootLogger().setLevel(org.apache.logging.log4j.Level.ALL);
        context.updateLoggers();
        audit = new AuditLog(context.getLogger(AuditLog.LOGGER));
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** Every method of AuditLog, each with every argument set (and role_dropped also without its role). */
    private void writeOneOfEach() {
        audit.loginSuccess("alice", "https://idp", "hash", "10.0.0.1", "CORR", "urn:ac");
        audit.loginFailure("invalid_signature", "https://idp", "10.0.0.1", "CORR");
        audit.logout("alice", "https://idp", "hash", "10.0.0.1", AuditLog.LogoutCause.LOCAL);
        audit.logoutFailure("unexpected_message", "https://idp", "10.0.0.1", "CORR");
        audit.roleDropped("alice", "https://idp", "roles", "tomcat_admin_role", "manager-gui", 1, "10.0.0.1", "CORR");
        audit.roleDropped("alice", "https://idp", "roles", "not_in_allowed_roles", null, 2, "10.0.0.1", "CORR");
        audit.roleAttributeMissing("alice", "https://idp", "roles", "mail", "10.0.0.1", "CORR");
        audit.signInRateLimited("10.0.0.1", "10.0.0.1", 3);
        audit.sessionExpired("alice", "https://idp", "hash", "10.0.0.1", AuditLog.ExpiryCause.IDLE);
        audit.adminAction("ops", AuditLog.AdminAction.END_SESSIONS_OF, "alice", 2);
    }

    @Test
    void eachMethodWritesExactlyTheFieldsItsEventDeclaresAtItsLevel() throws Exception {
        writeOneOfEach();

        assertThat(events).hasSize(10);
        Set<AuditEvent> seen = EnumSet.noneOf(AuditEvent.class);
        for (LogEvent event : events) {
            AuditMessage message = (AuditMessage) event.getMessage();
            AuditEvent kind = message.event();
            seen.add(kind);
            assertThat(event.getLevel()).as(kind.code()).isEqualTo(kind.level());
            Map<String, Object> json = parse(message.getFormattedMessage());
            Set<String> required = new HashSet<>();
            kind.always().forEach(f -> required.add(f.key()));
            Set<String> allowed = new HashSet<>(required);
            kind.sometimes().forEach(f -> allowed.add(f.key()));
            assertThat(json.keySet()).as(kind.code()).containsAll(required);
            assertThat(allowed).as(kind.code()).containsAll(json.keySet());
            assertThat(json.get("event")).isEqualTo(kind.code());
            for (String key : json.keySet()) {
                AuditField field = field(key);
                Object value = json.get(key);
                assertThat(value).as(kind.code() + "." + key)
                        .isInstanceOf(field.type() == AuditField.Type.INTEGER ? Integer.class : String.class);
            }
        }
        assertThat(seen).as("every declared event is written by some method").containsExactlyInAnyOrder(AuditEvent.values());
        assertThat(parse(events.get(4).getMessage().getFormattedMessage())).containsEntry("role", "manager-gui")
                .containsEntry("count", 1);
        assertThat(parse(events.get(5).getMessage().getFormattedMessage())).doesNotContainKey("role");
    }

    @Test
    void aQuoteInAnIdpSuppliedNameStaysInsideItsValue() throws Exception {
        audit.loginSuccess("alice\" code=\"x\",\"session\":\"y", "https://idp", "hash", "10.0.0.1", "CORR", null);
        audit.loginSuccess("bob\nevent=forged", "https://idp", "hash", "10.0.0.1", "CORR", null);

        Map<String, Object> forged = parse(events.get(0).getMessage().getFormattedMessage());
        assertThat(forged).containsEntry("user", "alice\" code=\"x\",\"session\":\"y").containsEntry("session", "hash")
                .doesNotContainKey("code").containsEntry("authn_context", "-");
        assertThat(events.get(1).getMessage().getFormattedMessage()).doesNotContain("\n");
        assertThat(parse(events.get(1).getMessage().getFormattedMessage())).containsEntry("user", "bob?event=forged");
    }

    @Test
    void theSameEventWithoutTheQuoteIsAnOrdinaryLine() throws Exception {
        audit.loginSuccess("alice", "https://idp", "hash", "10.0.0.1", "CORR", null);

        assertThat(parse(events.get(0).getMessage().getFormattedMessage())).containsEntry("user", "alice")
                .containsEntry("event", "login_success").hasSize(7);
    }

    @Test
    void aFieldItsEventDoesNotDeclareIsRefused() {
        assertThatThrownBy(() -> new AuditMessage(AuditEvent.LOGIN_FAILURE).field(AuditField.USER, "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("login_failure");
        assertThatThrownBy(() -> new AuditMessage(AuditEvent.ROLE_DROPPED).field(AuditField.COUNT, "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("string field count");
        assertThatThrownBy(() -> new AuditMessage(AuditEvent.LOGOUT).field(AuditField.EVENT, "login_success"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new AuditMessage(AuditEvent.ROLE_DROPPED).field(AuditField.COUNT, 2).getFormattedMessage())
                .isEqualTo("{\"count\":2,\"event\":\"role_dropped\"}");
    }

    private static AuditField field(String key) {
        for (AuditField field : AuditField.values()) {
            if (field.key().equals(key)) {
                return field;
            }
        }
        throw new AssertionError("no AuditField named " + key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) throws Exception {
        return JSON.readValue(json, Map.class);
    }
}
