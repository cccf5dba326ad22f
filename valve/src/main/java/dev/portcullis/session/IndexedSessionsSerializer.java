package dev.portcullis.session;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/** Writes {@link IndexedSessions} in the explicit {@link Binary} format, version 1. Thread-safe. */
public final class IndexedSessionsSerializer implements Serializer<IndexedSessions> {

    private static final int VERSION = 1;

    public IndexedSessionsSerializer() {
    }

    /** The constructor Ehcache uses when a configuration names this class. */
    public IndexedSessionsSerializer(ClassLoader ignored) {
    }

    @Override
    public ByteBuffer serialize(IndexedSessions sessions) {
        Binary.Writer out = new Binary.Writer().writeByte(VERSION).writeInt(sessions.entries().size());
        for (IndexedSessions.Entry entry : sessions.entries()) {
            out.writeString(entry.sessionKey()).writeString(entry.sessionIndex()).writeInstant(entry.expiresAt());
        }
        return out.toBuffer();
    }

    @Override
    public IndexedSessions read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializerException("unknown session-index format version " + version);
        }
        int count = in.readInt();
        if (count < 0 || count > IndexedSessions.MAX_ENTRIES) {
            throw new SerializerException("bad session-index entry count " + count);
        }
        List<IndexedSessions.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = in.readString();
            String index = in.readString();
            java.time.Instant expiresAt = in.readInstant();
            if (key == null || expiresAt == null) {
                throw new SerializerException("incomplete session-index entry");
            }
            entries.add(new IndexedSessions.Entry(key, index, expiresAt));
        }
        in.expectEnd();
        return new IndexedSessions(entries);
    }

    @Override
    public boolean equals(IndexedSessions object, ByteBuffer binary) {
        return serialize(object).equals(binary);
    }
}
