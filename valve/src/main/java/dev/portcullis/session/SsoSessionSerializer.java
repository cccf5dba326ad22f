package dev.portcullis.session;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/** Writes {@link SsoSession} in the explicit {@link Binary} format, version 2 (reads 1 too). Thread-safe. */
public final class SsoSessionSerializer implements Serializer<SsoSession> {

    private static final int VERSION = 2;

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
                .writeStrings(s.webappSessions())
                .toBuffer();
    }

    @Override
    public SsoSession read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION && version != 1) {
            throw new SerializerException("unknown session format version " + version);
        }
        String principal = in.readString();
        List<String> roles = in.readStrings();
        Map<String, List<String>> attributes = in.readMultimap();
        String idp = in.readString();
        String nameId = in.readString();
        String nameIdFormat = in.readString();
        String nameQualifier = in.readString();
        String spNameQualifier = in.readString();
        String sessionIndex = in.readString();
        String authnContext = in.readString();
        Instant authnInstant = in.readInstant();
        Instant createdAt = in.readInstant();
        Instant lastAccess = in.readInstant();
        Instant expiresAt = in.readInstant();
        List<String> webappSessions = version == 1 ? List.of() : in.readStrings();
        SsoSession session = new SsoSession(principal, roles, attributes, idp, nameId, nameIdFormat, nameQualifier,
                spNameQualifier, sessionIndex, authnContext, authnInstant, createdAt, lastAccess, expiresAt, webappSessions);
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
