package dev.portcullis.session;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance for the values every session repeats: the IdP's entityID, NameID formats,
 * AuthnContextClassRefs, attribute names (and each IdP's set of them), role names and role lists.
 * Without it, every session holds its own copies, several hundred bytes of a session's heap. Bounded:
 * once its limit ({@link #MAX_ENTRIES} for the shared one) is reached, new ones are used as they are, so an IdP that sends unique
 * role names cannot grow it. Only values that are the same across users go through here, never
 * per-user ones (NameID, SessionIndex, attribute values). Thread-safe.
 */
final class Canonical {

    static final int MAX_ENTRIES = 8192;

    /** The one every session uses. */
    static final Canonical SHARED = new Canonical(MAX_ENTRIES);

    private final int maxEntries;
    private final ConcurrentHashMap<Object, Object> values = new ConcurrentHashMap<>();

    /** The key of an attribute-name set, distinct from a role list with the same strings. */
    private record NameSet(List<String> names) {
    }

    Canonical(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** How many values it knows. */
    int size() {
        return values.size();
    }

    String string(String value) {
        return value == null ? null : (String) canonical(value, value);
    }

    /** An unmodifiable list of canonical strings, itself shared. */
    List<String> list(List<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        String[] canonical = new String[values.size()];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = string(values.get(i));
        }
        List<String> list = List.of(canonical);
        @SuppressWarnings("unchecked")
        List<String> shared = (List<String>) canonical(list, list);
        return shared;
    }

    /** A shared array of canonical names; callers never write to it. */
    String[] names(String[] names) {
        for (int i = 0; i < names.length; i++) {
            names[i] = string(names[i]);
        }
        return (String[]) canonical(new NameSet(List.of(names)), names);
    }

    private Object canonical(Object key, Object value) {
        Object known = values.get(key);
        if (known != null) {
            return known;
        }
        if (values.size() >= maxEntries) {
            return value;
        }
        known = values.putIfAbsent(key, value);
        return known != null ? known : value;
    }
}
