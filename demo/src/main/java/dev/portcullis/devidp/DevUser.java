package dev.portcullis.devidp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A user of the development IdP: what they type (username, password), the NameID the IdP asserts for
 * them and the SAML attributes it sends, each with one or more values. Immutable.
 *
 * @param username   what the user types on the login page
 * @param password   the password (a demo value; never printed by {@link #toString()})
 * @param nameId     the NameID asserted for the user
 * @param attributes SAML attributes in the order they are sent, each with its values
 */
public record DevUser(String username, String password, String nameId, Map<String, List<String>> attributes) {

    public DevUser {
        Objects.requireNonNull(username, "username cannot be null");
        Objects.requireNonNull(password, "password cannot be null");
        Objects.requireNonNull(nameId, "nameId cannot be null");
        if (username.isBlank()) {
            throw new IllegalArgumentException("username cannot be blank");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        attributes.forEach((name, values) -> copy.put(Objects.requireNonNull(name), List.copyOf(values)));
        attributes = Collections.unmodifiableMap(copy);
    }

    /**
     * A user with the usual attributes: {@code uid} = username, {@code mail}, {@code displayName}, and
     * the multi-valued {@code roles}. The NameID is the username.
     */
    public static DevUser of(String username, String password, String mail, String displayName, String... roles) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("uid", List.of(username));
        attributes.put("mail", List.of(mail));
        attributes.put("displayName", List.of(displayName));
        attributes.put("roles", List.of(roles));
        return new DevUser(username, password, username, attributes);
    }

    /** The demo users: {@code alice}/{@code alice} with roles user and admin, {@code bob}/{@code bob} with role user. */
    public static List<DevUser> demoUsers() {
        return List.of(
                of("alice", "alice", "alice@example.com", "Alice Example", "user", "admin"),
                of("bob", "bob", "bob@example.com", "Bob Example", "user"));
    }

    /** The same user asserted with another NameID. */
    public DevUser withNameId(String value) {
        return new DevUser(username, password, value, attributes);
    }

    /** The same user with one more attribute (or one replaced). */
    public DevUser withAttribute(String name, String... values) {
        Map<String, List<String>> copy = new LinkedHashMap<>(attributes);
        copy.put(name, List.of(values));
        return new DevUser(username, password, nameId, copy);
    }

    /** The values of the {@code roles} attribute, or none. */
    public List<String> roles() {
        return attributes.getOrDefault("roles", List.of());
    }

    @Override
    public String toString() {
        return "DevUser[" + username + ", nameId=" + nameId + ", attributes=" + new ArrayList<>(attributes.keySet()) + "]";
    }
}
