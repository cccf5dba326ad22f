package dev.portcullis.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/**
 * A real Ehcache store that can be made to fail, for tests: the key serializer of an off-heap tier
 * (named in an ehcache.xml template, {@link #template}), which reads and writes keys as UTF-8 until
 * {@link #breakAll()} and then throws from every call. Ehcache's off-heap store then fails every write
 * and every read of a stored key, and reports it as a StoreAccessException to the cache's resilience
 * strategy: what a clustered tier does while its Terracotta server does not answer, without a server.
 * The switch is global (one JVM, one test class at a time); tests {@link #repair()} it afterwards.
 */
public final class BreakableKeys implements Serializer<String> {

    private static volatile boolean broken;

    /** Ehcache instantiates serializers named in XML with their class loader. */
    public BreakableKeys(ClassLoader loader) {
    }

    public static void breakAll() {
        broken = true;
    }

    public static void repair() {
        broken = false;
    }

    /** A cache template on a 2 MB off-heap tier whose keys go through this serializer. */
    public static String template(String name) {
        return "  <cache-template name=\"" + name + "\">\n"
                + "    <key-type serializer=\"" + BreakableKeys.class.getName() + "\">java.lang.String</key-type>\n"
                + "    <resources><offheap unit=\"MB\">2</offheap></resources>\n"
                + "  </cache-template>\n";
    }

    /** An ehcache.xml with the four Portcullis templates on breakable stores. */
    public static String configuration() {
        return "<config xmlns=\"http://www.ehcache.org/v3\">\n" + template(Caches.SESSIONS) + template(Caches.PENDING_LOGINS)
                + template(Caches.REPLAY) + template(Caches.SESSION_INDEX) + "</config>\n";
    }

    private static void check() {
        if (broken) {
            throw new SerializerException("the store is broken (test)");
        }
    }

    @Override
    public ByteBuffer serialize(String key) {
        check();
        return ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String read(ByteBuffer binary) {
        check();
        byte[] bytes = new byte[binary.remaining()];
        binary.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(String key, ByteBuffer binary) {
        check();
        return key.equals(read(binary));
    }
}
