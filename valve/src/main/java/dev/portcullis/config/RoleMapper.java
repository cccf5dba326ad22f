package dev.portcullis.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the values of the configured role attributes into the role names the webapps check with
 * {@code isUserInRole} and {@code <auth-constraint>}. A mapping {@code Administrators=admin} renames
 * one IdP value (repeat the key to give one value several roles); values without a mapping are kept
 * as they are. Immutable and thread-safe.
 */
public final class RoleMapper {

    private final List<String> attributes;
    private final Map<String, List<String>> mapping;

    public RoleMapper(List<String> attributes, Map<String, List<String>> mapping) {
        this.attributes = List.copyOf(attributes);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        mapping.forEach((key, value) -> copy.put(key, List.copyOf(value)));
        this.mapping = Map.copyOf(copy);
    }

    public static RoleMapper none() {
        return new RoleMapper(List.of(), Map.of());
    }

    /** Parses {@code idpValue=role} pairs separated by commas or semicolons. */
    public static Map<String, List<String>> parseMapping(String setting, String text) {
        Map<String, List<String>> mapping = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return mapping;
        }
        for (String pair : text.split("[,;]")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String from = equals < 0 ? "" : pair.substring(0, equals).trim();
            String to = equals < 0 ? "" : pair.substring(equals + 1).trim();
            if (from.isEmpty() || to.isEmpty()) {
                throw new ConfigurationException(setting, "'" + pair.trim()
                        + "' is not a mapping; write idpValue=role, separated by commas.");
            }
            mapping.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        }
        return mapping;
    }

    /** The attribute names whose values are roles. */
    public List<String> attributes() {
        return attributes;
    }

    /** The roles for these attributes, in a stable order, without duplicates. */
    public List<String> roles(Map<String, List<String>> samlAttributes) {
        Set<String> roles = new LinkedHashSet<>();
        for (String attribute : attributes) {
            Collection<String> values = samlAttributes.get(attribute);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                String trimmed = value.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                List<String> mapped = mapping.get(trimmed);
                if (mapped == null) {
                    roles.add(trimmed);
                } else {
                    roles.addAll(mapped);
                }
            }
        }
        return List.copyOf(roles);
    }

    @Override
    public String toString() {
        return "attributes=" + attributes + " mapping=" + mapping;
    }
}
