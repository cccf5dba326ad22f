package dev.portcullis.web;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import dev.portcullis.session.SsoSession;

/**
 * A session's SAML attributes as the read-only {@code Map<String, List<String>>} that webapps find in
 * the request attribute {@code portcullis.attributes}. Values are decoded from the compact session
 * only when a webapp reads them: most requests of most webapps never do, and then binding costs two
 * small objects and no string. One per request; not for sharing between threads.
 */
final class SessionAttributes extends AbstractMap<String, List<String>> {

    private final SsoSession session;
    private final List<?>[] decoded;

    SessionAttributes(SsoSession session) {
        this.session = session;
        this.decoded = new List<?>[session.attributeCount()];
    }

    @SuppressWarnings("unchecked")
    List<String> values(int index) {
        List<?> values = decoded[index];
        if (values == null) {
            values = session.attributeValues(index);
            decoded[index] = values;
        }
        return (List<String>) values;
    }

    @Override
    public int size() {
        return decoded.length;
    }

    @Override
    public List<String> get(Object key) {
        for (int i = 0; i < decoded.length; i++) {
            if (session.attributeName(i).equals(key)) {
                return values(i);
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (int i = 0; i < decoded.length; i++) {
            if (session.attributeName(i).equals(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, List<String>>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < decoded.length;
                    }

                    @Override
                    public Entry<String, List<String>> next() {
                        if (next >= decoded.length) {
                            throw new NoSuchElementException();
                        }
                        int index = next++;
                        return new SimpleImmutableEntry<>(session.attributeName(index), values(index));
                    }
                };
            }

            @Override
            public int size() {
                return decoded.length;
            }
        };
    }
}
