package dev.portcullis.session;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/**
 * Writes {@link SsoSession} in the explicit {@link Binary} format: version 2, or version 3 (version 2 and the ID
 * token) for an OpenID Connect session that keeps one, so that SAML sessions stay readable by nodes of the previous
 * release during a rolling upgrade. Reads 1, 2 and 3. Thread-safe.
 */
public final class SsoSessionSerializer implements Serializer<SsoSession> {

    private static final int VERSION = 2;
    private static final int VERSION_WITH_ID_TOKEN = 3;

    public SsoSessionSerializer() {
    }

    /** The constructor Ehcache uses when a configuration names this class. */
    public SsoSessionSerializer(ClassLoader ignored) {
    }

    @Override
    public ByteBuffer serialize(SsoSession s) {
        Binary.Writer out = new Binary.Writer()
                .writeByte(s.idToken() == null ? VERSION : VERSION_WITH_ID_TOKEN)
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
                .writeStrings(s.webappSessions());
        if (s.idToken() != null) {
            out.writeString(s.idToken());
        }
        return out.toBuffer();
    }

    @Override
    public SsoSession read(ByteBuffer binary) {
        Binary.Reader in = new Binary.Reader(binary);
        int version = in.readByte();
        if (version != VERSION && version != 1 && version != VERSION_WITH_ID_TOKEN) {
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
        String idToken = version == VERSION_WITH_ID_TOKEN ? in.readString() : null;
        SsoSession session = new SsoSession(principal, roles, attributes, idp, nameId, nameIdFormat, nameQualifier,
                spNameQualifier, sessionIndex, authnContext, authnInstant, createdAt, lastAccess, expiresAt, webappSessions,
                idToken);
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
