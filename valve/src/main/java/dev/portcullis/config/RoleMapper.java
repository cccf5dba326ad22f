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
 * {@code isUserInRole} and {@code <auth-constraint>}, and decides which IdP values may become roles
 * at all. Immutable and thread-safe.
 *
 * <ol>
 *   <li>A value named in {@code roleMapping} ({@code Administrators=admin}; repeat the key to give one
 *       value several roles) becomes the roles it maps to, whatever they are: the operator wrote them.</li>
 *   <li>An unmapped value that is one of Tomcat's own administrative roles ({@link #TOMCAT_ADMIN_ROLES})
 *       is dropped.</li>
 *   <li>Any other unmapped value is kept as it is when {@code allowedRoles} lets it ({@code *}, the
 *       default, lets every such value through, so webapps whose web.xml uses plain group names work with
 *       no configuration), else dropped.</li>
 * </ol>
 * What was dropped, and which role attributes were absent, comes back with the roles
 * ({@link Roles}) so that the sign-in can log and audit it.
 */
public final class RoleMapper {

    /**
     * The role names that Tomcat's own webapps check, which open Tomcat's administration to whoever holds
     * them: {@code manager-gui}, {@code manager-script}, {@code manager-jmx}, {@code manager-status} (the
     * Manager, {@code webapps/manager/WEB-INF/web.xml}) and {@code admin-gui}, {@code admin-script} (the
     * Host Manager). The same six in Tomcat 9.0, 10.1 and 11.0. The Manager deploys WARs, so any of the
     * first three is code execution on the server; the Host Manager adds and removes whole Hosts.
     */
    public static final Set<String> TOMCAT_ADMIN_ROLES = Set.of("manager-gui", "manager-script", "manager-jmx",
            "manager-status", "admin-gui", "admin-script");

    /** Why an IdP value did not become a role. Codes are written to the audit log: stable. */
    public enum DropReason {
        /** One of {@link #TOMCAT_ADMIN_ROLES}, not mapped by the operator. */
        TOMCAT_ADMIN_ROLE("tomcat_admin_role"),
        /** Unmapped, and not in {@code allowedRoles}. */
        NOT_ALLOWED("not_in_allowed_roles");

        private final String code;

        DropReason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** One IdP value that did not become a role. */
    public record Dropped(String attribute, String value, DropReason reason) {
    }

    /**
     * The outcome for one assertion.
     *
     * @param granted           the roles, in a stable order, without duplicates
     * @param dropped           values that did not become roles, in the order met
     * @param missingAttributes role attributes the assertion did not carry at all
     */
    public record Roles(List<String> granted, List<Dropped> dropped, List<String> missingAttributes) {
        public Roles {
            granted = List.copyOf(granted);
            dropped = List.copyOf(dropped);
            missingAttributes = List.copyOf(missingAttributes);
        }
    }

    private final List<String> attributes;
    private final Map<String, List<String>> mapping;
    private final AllowedRoles allowed;

    /** Every unmapped value is kept except Tomcat's administrative roles (the default). */
    public RoleMapper(List<String> attributes, Map<String, List<String>> mapping) {
        this(attributes, mapping, AllowedRoles.ALL_BUT_TOMCAT_ADMIN);
    }

    public RoleMapper(List<String> attributes, Map<String, List<String>> mapping, AllowedRoles allowed) {
        this.attributes = List.copyOf(attributes);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        mapping.forEach((key, value) -> copy.put(key, List.copyOf(value)));
        this.mapping = Map.copyOf(copy);
        this.allowed = allowed;
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

    /** The Tomcat administrative roles that roleMapping grants (empty: the IdP can grant none). */
    public List<String> mappedTomcatAdminRoles() {
        return mapping.values().stream().flatMap(List::stream).filter(TOMCAT_ADMIN_ROLES::contains).distinct().sorted()
                .toList();
    }

    /** The roles for these attributes, in a stable order, without duplicates. */
    public List<String> roles(Map<String, List<String>> samlAttributes) {
        return map(samlAttributes).granted();
    }

    /** The roles for these attributes, with what was dropped and which role attributes were absent. */
    public Roles map(Map<String, List<String>> samlAttributes) {
        Set<String> roles = new LinkedHashSet<>();
        List<Dropped> dropped = new ArrayList<>(0);
        List<String> missing = new ArrayList<>(0);
        for (String attribute : attributes) {
            Collection<String> values = samlAttributes.get(attribute);
            if (values == null) {
                missing.add(attribute);
                continue;
            }
            for (String value : values) {
                String trimmed = value.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                List<String> mapped = mapping.get(trimmed);
                if (mapped != null) {
                    // The operator named this value: its roles are granted as written, Tomcat's own included.
                    roles.addAll(mapped);
                } else if (TOMCAT_ADMIN_ROLES.contains(trimmed)) {
                    // Issue 10: an IdP group named manager-gui must not open Tomcat's Manager (WAR deploy = code
                    // execution). Group names are often chosen by app owners or users (self-service groups), so an
                    // unmapped value never becomes one of Tomcat's administrative roles.
                    dropped.add(new Dropped(attribute, trimmed, DropReason.TOMCAT_ADMIN_ROLE));
                } else if (allowed.permits(trimmed)) {
                    roles.add(trimmed);
                } else {
                    dropped.add(new Dropped(attribute, trimmed, DropReason.NOT_ALLOWED));
                }
            }
        }
        return new Roles(List.copyOf(roles), dropped, missing);
    }

    @Override
    public String toString() {
        return "attributes=" + attributes + " mapping=" + mapping + " allowedRoles=" + allowed;
    }
}
