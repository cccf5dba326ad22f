package dev.portcullis.audit;

/**
 * Every field an audit line can carry, with its JSON name and type. The names are part of the product's
 * interface: security teams write detection rules against them, so a name is never derived from a Java
 * identifier and never changes once shipped (add a field, do not rename one). docs/AUDIT.md describes
 * each field; {@code AuditDocTest} keeps that list equal to this one.
 */
public enum AuditField {

    EVENT("event", Type.STRING),
    USER("user", Type.STRING),
    IDP("idp", Type.STRING),
    SESSION("session", Type.STRING),
    CLIENT("client", Type.STRING),
    CORRELATION("correlation", Type.STRING),
    AUTHN_CONTEXT("authn_context", Type.STRING),
    CODE("code", Type.STRING),
    CAUSE("cause", Type.STRING),
    ATTRIBUTE("attribute", Type.STRING),
    REASON("reason", Type.STRING),
    ROLE("role", Type.STRING),
    COUNT("count", Type.INTEGER),
    PRESENT("present", Type.STRING),
    COUNTED_AS("counted_as", Type.STRING),
    REFUSED("refused", Type.INTEGER),
    ACTOR("actor", Type.STRING),
    ACTION("action", Type.STRING),
    TARGET("target", Type.STRING),
    SESSIONS("sessions", Type.INTEGER);

    /** The JSON type of a field's value. */
    public enum Type {
        STRING("string"),
        INTEGER("integer");

        private final String jsonName;

        Type(String jsonName) {
            this.jsonName = jsonName;
        }

        /** As docs/AUDIT.md names it. */
        public String jsonName() {
            return jsonName;
        }
    }

    private final String key;
    private final Type type;

    AuditField(String key, Type type) {
        this.key = key;
        this.type = type;
    }

    /** The stable JSON name. */
    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }
}
