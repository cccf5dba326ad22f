package dev.portcullis.audit;

import org.apache.logging.log4j.message.StringMapMessage;

/**
 * One audit line: the {@code event} field, then only the fields its {@link AuditEvent} declares (any
 * other is refused, so the declared list is the truth docs/AUDIT.md is checked against).
 *
 * <p>Its plain form is the JSON object, the same text {@code %m{JSON}} writes into portcullis-audit.log.
 * Log4j's own plain form for a map message is {@code key="value"} with no escaping of quotes, in which a
 * NameID such as {@code alice" code="x} would read as a second field; and a layout that asks a message for
 * its plain form only, such as {@code Rfc5424Layout} for the syslog MSG (RFC 5424 section 6.4), would send
 * exactly that to a SIEM. JSON escapes every quote and control character, so a value stays one value
 * wherever the line is written. Not thread-safe until logged; never changed after.
 */
public final class AuditMessage extends StringMapMessage {

    private static final long serialVersionUID = 1L;
    private static final String[] JSON = {"JSON"};

    private final AuditEvent event;

    AuditMessage(AuditEvent event) {
        super(event.always().size() + event.sometimes().size());
        this.event = event;
        with(AuditField.EVENT.key(), event.code());
    }

    public AuditEvent event() {
        return event;
    }

    AuditMessage field(AuditField field, String value) {
        require(field, AuditField.Type.STRING);
        with(field.key(), value);
        return this;
    }

    AuditMessage field(AuditField field, int value) {
        require(field, AuditField.Type.INTEGER);
        with(field.key(), value);
        return this;
    }

    private void require(AuditField field, AuditField.Type type) {
        if (field == AuditField.EVENT || !event.declares(field) || field.type() != type) {
            throw new IllegalArgumentException("the audit event " + event.code() + " declares no " + type.jsonName()
                    + " field " + field.key() + " (see AuditEvent)");
        }
    }

    @Override
    public String getFormattedMessage() {
        return getFormattedMessage(JSON);
    }

    @Override
    public void formatTo(StringBuilder buffer) {
        formatTo(JSON, buffer);
    }

    @Override
    public String toString() {
        return getFormattedMessage();
    }
}
