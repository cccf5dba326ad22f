package dev.portcullis.session;

import java.nio.ByteBuffer;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/** Writes {@link PendingLogin} in the explicit {@link Binary} format, version 2 (reads 1 too). Thread-safe. */
public final class PendingLoginSerializer implements Serializer<PendingLogin> {

    private static final int VERSION = 2;

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
                .writeStrings(p.requiredAuthnContexts())
                .toBuffer();
    }

    @Override
    public PendingLogin read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION && version != 1) {
            throw new SerializerException("unknown pending-login format version " + version);
        }
        String requestId = in.readString();
        String originalUrl = in.readString();
        java.time.Instant createdAt = in.readInstant();
        java.time.Instant expiresAt = in.readInstant();
        java.util.List<String> required = version == 1 ? java.util.List.of() : in.readStrings();
        PendingLogin pending = new PendingLogin(requestId, originalUrl, createdAt, expiresAt, required);
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
