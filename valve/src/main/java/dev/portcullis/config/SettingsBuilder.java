package dev.portcullis.config;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects {@code <Valve>} attributes as Tomcat sets them. Each value is parsed at once; an error is
 * kept, not thrown, because Tomcat's digester only logs a warning when a setter throws and would go
 * on to start the valve without the setting. {@link #build} reports the first error instead, which
 * stops the valve (and with it the Host or Context). Not thread-safe: Tomcat configures a valve from
 * one thread before starting it.
 */
public final class SettingsBuilder {

    private final Map<Setting, String> raw = new EnumMap<>(Setting.class);
    private final Map<Setting, Object> parsed = new EnumMap<>(Setting.class);
    private final Map<String, ConfigurationException> errors = new LinkedHashMap<>();

    /** Records one attribute; unknown names are errors too, so that a typo cannot switch a check off. */
    public SettingsBuilder set(String attribute, String value) {
        Setting setting = Setting.forAttribute(attribute).orElse(null);
        if (setting == null) {
            String hint = Setting.suggest(attribute).map(s -> " Did you mean '" + s + "'?").orElse("");
            errors.put(attribute, new ConfigurationException(attribute, "is not a Portcullis setting." + hint));
            return this;
        }
        return set(setting, value);
    }

    /** Sets a value; {@code null} (which Tomcat never passes) removes it again, back to the default. */
    public SettingsBuilder set(Setting setting, String value) {
        errors.remove(setting.attribute());
        if (value == null) {
            raw.remove(setting);
            parsed.remove(setting);
            return this;
        }
        raw.put(setting, value);
        try {
            parsed.put(setting, setting.parse(value));
        } catch (ConfigurationException e) {
            parsed.remove(setting);
            errors.put(setting.attribute(), e);
        }
        return this;
    }

    /** The text last set for a setting, or its default. Secrets are masked. */
    public String get(Setting setting) {
        if (setting.secret()) {
            return raw.containsKey(setting) ? "********" : null;
        }
        return raw.getOrDefault(setting, setting.defaultValue());
    }

    /**
     * Checks everything and returns the typed settings for a valve mounted at {@code contextPath}
     * ({@code ""} at Host level).
     *
     * @throws ConfigurationException naming the first setting at fault
     */
    public Settings build(String contextPath) {
        if (!errors.isEmpty()) {
            throw errors.values().iterator().next();
        }
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            if (parsed.containsKey(setting)) {
                values.put(setting, parsed.get(setting));
            } else if (setting.defaultValue() != null) {
                values.put(setting, setting.parse(setting.defaultValue()));
            }
        }
        Map<Setting, String> shown = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String text = get(setting);
            if (text != null) {
                shown.put(setting, text);
            }
        }
        return new Settings(values, contextPath, shown, raw.keySet());
    }
}
