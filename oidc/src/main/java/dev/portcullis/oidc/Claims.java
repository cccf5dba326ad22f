package dev.portcullis.oidc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * The verified claims of an ID token as the session's attributes, the shape SAML attributes have: a name and its
 * string values. A string, number or boolean claim is one value, an array of them several; JSON objects are left
 * out except where a configured name reaches into one with dots ({@code realm_access.roles}, Keycloak's realm
 * roles), which then appears under that dotted name. The claims that only serve validation (nonce and the hashes)
 * are not attributes.
 */
public final class Claims {

    private static final Set<String> NOT_ATTRIBUTES = Set.of("nonce", "at_hash", "c_hash", "s_hash");
    private static final int MAX_VALUES = 1024;

    private Claims() {
    }

    /**
     * @param dottedNames claim names from the settings (principalAttribute, roleAttributes) that may reach into objects
     */
    public static Map<String, List<String>> attributes(JWTClaimsSet claims, Collection<String> dottedNames) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
            if (NOT_ATTRIBUTES.contains(claim.getKey())) {
                continue;
            }
            List<String> values = values(claim.getValue());
            if (values != null) {
                attributes.put(claim.getKey(), values);
            }
        }
        for (String name : dottedNames) {
            if (name.indexOf('.') > 0 && !attributes.containsKey(name)) {
                List<String> values = values(resolve(claims.getClaims(), name));
                if (values != null) {
                    attributes.put(name, values);
                }
            }
        }
        return attributes;
    }

    /** The value at a dotted path through JSON objects, or null. */
    static Object resolve(Map<String, Object> claims, String dotted) {
        Object current = claims;
        for (String part : dotted.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    /** A scalar as one value, an array of scalars as several; null for objects, nulls and nested arrays. */
    private static List<String> values(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return List.of(value.toString());
        }
        if (value instanceof java.util.Date date) {
            return List.of(Long.toString(date.toInstant().getEpochSecond()));
        }
        if (value instanceof Collection<?> collection) {
            List<String> values = new ArrayList<>(Math.min(collection.size(), MAX_VALUES));
            for (Object element : collection) {
                if ((element instanceof String || element instanceof Number || element instanceof Boolean)
                        && values.size() < MAX_VALUES) {
                    values.add(element.toString());
                }
            }
            return values.isEmpty() ? null : values;
        }
        return null;
    }
}
