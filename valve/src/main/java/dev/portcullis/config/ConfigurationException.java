package dev.portcullis.config;

/**
 * A setting is missing or wrong. The message is one sentence that names the setting, written for the
 * operator who reads it in {@code catalina.out}; the valve refuses to start with it.
 *
 * <p>Distinct from {@link dev.portcullis.saml.SamlValidationException}, which rejects input from a
 * browser or an IdP: a broken configuration is never the client's fault.
 */
public class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    public ConfigurationException(String setting, String message) {
        super("Portcullis setting '" + setting + "': " + message);
        this.setting = setting;
    }

    public ConfigurationException(String setting, String message, Throwable cause) {
        super("Portcullis setting '" + setting + "': " + message, cause);
        this.setting = setting;
    }

    /** The {@code <Valve>} attribute at fault. */
    public String setting() {
        return setting;
    }
}
