package dev.portcullis.config;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which IdP values may become roles as they are, without a {@code roleMapping} entry: the
 * {@code allowedRoles} setting. {@code *} (the default) lets every value through except Tomcat's
 * administrative roles; a list lets only the values it names; an empty value lets none (only
 * {@code roleMapping} grants roles). Tomcat's administrative roles cannot be listed: they are granted
 * by {@code roleMapping} alone, so that one setting says who may open Tomcat's Manager. Immutable.
 */
public final class AllowedRoles {

    /** Every value, except {@link RoleMapper#TOMCAT_ADMIN_ROLES} (which {@link RoleMapper} drops first). */
    public static final AllowedRoles ALL_BUT_TOMCAT_ADMIN = new AllowedRoles(null);

    /** The names allowed, or null for all. */
    private final Set<String> names;

    private AllowedRoles(Set<String> names) {
        this.names = names == null ? null : Set.copyOf(names);
    }

    /** Parses {@code *}, a comma-separated list of role names, or an empty value (none). */
    public static AllowedRoles parse(String setting, String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.equals("*")) {
            return ALL_BUT_TOMCAT_ADMIN;
        }
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(trimmed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
        if (names.contains("*")) {
            throw new ConfigurationException(setting, "mixes * with role names; write * alone (every value but"
                    + " Tomcat's administrative roles) or the list of roles.");
        }
        for (String name : names) {
            if (RoleMapper.TOMCAT_ADMIN_ROLES.contains(name)) {
                throw new ConfigurationException(setting, "lists '" + name + "', one of Tomcat's administrative roles;"
                        + " grant it with roleMapping instead (idpGroup=" + name + "), which names the IdP value that"
                        + " opens Tomcat's administration.");
            }
        }
        return new AllowedRoles(names);
    }

    /** Whether an unmapped value that is not a Tomcat administrative role may become a role. */
    public boolean permits(String value) {
        return names == null || names.contains(value);
    }

    /** Whether every unmapped value is permitted (the default). */
    public boolean all() {
        return names == null;
    }

    @Override
    public String toString() {
        return names == null ? "*" : String.join(",", names);
    }
}
