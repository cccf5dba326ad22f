package dev.portcullis.session;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/** Writes {@link PendingLogin} in the explicit {@link Binary} format, version 3. Thread-safe. */
public final class PendingLoginSerializer implements Serializer<PendingLogin> {

    private static final int VERSION = 3;

    public PendingLoginSerializer() {
    }

    /** The constructor Ehcache uses when a configuration names this class. */
    public PendingLoginSerializer(ClassLoader ignored) {
    }

    @Override
    public ByteBuffer serialize(PendingLogin p) {
        return new Binary.Writer()
                .writeByte(VERSION)
                .writeString(p.originalUrl())
                .writeInstant(p.expiresAt())
                .toBuffer();
    }

    @Override
    public PendingLogin read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION) {
            // Versions 1 and 2 belonged to handles of another shape, which no request can name any more.
            throw new SerializerException("unknown pending-login format version " + version);
        }
        String originalUrl = in.readString();
        Instant expiresAt = in.readInstant();
        in.expectEnd();
        if (originalUrl == null || expiresAt == null) {
            throw new SerializerException("incomplete pending-login entry");
        }
        return new PendingLogin(originalUrl, expiresAt);
    }

    @Override
    public boolean equals(PendingLogin object, ByteBuffer binary) {
        return object.equals(read(binary));
    }
}
