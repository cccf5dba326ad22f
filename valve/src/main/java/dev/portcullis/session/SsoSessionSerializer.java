package dev.portcullis.session;

import java.nio.ByteBuffer;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/** Writes {@link SsoSession} in the explicit {@link Binary} format, version 1. Thread-safe. */
public final class SsoSessionSerializer implements Serializer<SsoSession> {

    private static final int VERSION = 1;

    public SsoSessionSerializer() {
    }

    /** The constructor Ehcache uses when a configuration names this class. */
    public SsoSessionSerializer(ClassLoader ignored) {
    }

    @Override
    public ByteBuffer serialize(SsoSession s) {
        return new Binary.Writer()
                .writeByte(VERSION)
                .writeString(s.principal())
                .writeStrings(s.roles())
                .writeMultimap(s.attributes())
                .writeString(s.idpEntityId())
                .writeString(s.nameId())
                .writeString(s.nameIdFormat())
                .writeString(s.nameQualifier())
                .writeString(s.spNameQualifier())
                .writeString(s.sessionIndex())
                .writeString(s.authnContextClassRef())
                .writeInstant(s.authnInstant())
                .writeInstant(s.createdAt())
                .writeInstant(s.lastAccess())
                .writeInstant(s.expiresAt())
                .toBuffer();
    }

    @Override
    public SsoSession read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializerException("unknown session format version " + version);
        }
        SsoSession session = new SsoSession(in.readString(), in.readStrings(), in.readMultimap(), in.readString(),
                in.readString(), in.readString(), in.readString(), in.readString(), in.readString(), in.readString(),
                in.readInstant(), in.readInstant(), in.readInstant(), in.readInstant());
        in.expectEnd();
        if (session.principal() == null || session.createdAt() == null || session.lastAccess() == null
                || session.expiresAt() == null) {
            throw new SerializerException("incomplete session entry");
        }
        return session;
    }

    @Override
    public boolean equals(SsoSession object, ByteBuffer binary) {
        return serialize(object).equals(binary);
    }
}
