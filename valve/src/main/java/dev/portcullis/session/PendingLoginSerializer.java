package dev.portcullis.session;

import java.nio.ByteBuffer;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/** Writes {@link PendingLogin} in the explicit {@link Binary} format, version 1. Thread-safe. */
public final class PendingLoginSerializer implements Serializer<PendingLogin> {

    private static final int VERSION = 1;

    public PendingLoginSerializer() {
    }

    /** The constructor Ehcache uses when a configuration names this class. */
    public PendingLoginSerializer(ClassLoader ignored) {
    }

    @Override
    public ByteBuffer serialize(PendingLogin p) {
        return new Binary.Writer()
                .writeByte(VERSION)
                .writeString(p.requestId())
                .writeString(p.originalUrl())
                .writeInstant(p.createdAt())
                .writeInstant(p.expiresAt())
                .toBuffer();
    }

    @Override
    public PendingLogin read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializerException("unknown pending-login format version " + version);
        }
        PendingLogin pending = new PendingLogin(in.readString(), in.readString(), in.readInstant(), in.readInstant());
        in.expectEnd();
        if (pending.requestId() == null || pending.originalUrl() == null || pending.expiresAt() == null) {
            throw new SerializerException("incomplete pending-login entry");
        }
        return pending;
    }

    @Override
    public boolean equals(PendingLogin object, ByteBuffer binary) {
        return object.equals(read(binary));
    }
}
