package dev.portcullis.saml;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Writes the SP's Single Logout messages (saml-core-2.0-os 3.7): LogoutRequest and LogoutResponse. */
public final class LogoutMessages {

    public static final String STATUS_PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";
    public static final String STATUS_REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester";

    private LogoutMessages() {
    }

    /**
     * A LogoutRequest for one session: the NameID exactly as the IdP issued it (format and qualifiers
     * included, so the IdP recognises it) and its SessionIndex.
     */
    public static String logoutRequest(String id, Instant issueInstant, String destination, String spEntityId,
                                       String nameId, String nameIdFormat, String nameQualifier, String spNameQualifier,
                                       String sessionIndex) {
        StringBuilder out = new StringBuilder(768);
        out.append("<samlp:LogoutRequest xmlns:samlp=\"").append(SamlConstants.PROTOCOL_NS)
                .append("\" xmlns:saml=\"").append(SamlConstants.ASSERTION_NS)
                .append("\" ID=\"").append(XmlText.escape(id))
                .append("\" Version=\"2.0\" IssueInstant=\"").append(instant(issueInstant))
                .append("\" Destination=\"").append(XmlText.escape(destination)).append("\">")
                .append("<saml:Issuer>").append(XmlText.escape(spEntityId)).append("</saml:Issuer>")
                .append("<saml:NameID");
        attribute(out, "Format", nameIdFormat);
        attribute(out, "NameQualifier", nameQualifier);
        attribute(out, "SPNameQualifier", spNameQualifier);
        out.append('>').append(XmlText.escape(nameId)).append("</saml:NameID>");
        if (sessionIndex != null) {
            out.append("<samlp:SessionIndex>").append(XmlText.escape(sessionIndex)).append("</samlp:SessionIndex>");
        }
        return out.append("</samlp:LogoutRequest>").toString();
    }

    /** A LogoutResponse answering {@code inResponseTo} with a status (Success, or a failure code). */
    public static String logoutResponse(String id, Instant issueInstant, String destination, String spEntityId,
                                        String inResponseTo, String statusCode) {
        return "<samlp:LogoutResponse xmlns:samlp=\"" + SamlConstants.PROTOCOL_NS + "\" xmlns:saml=\""
                + SamlConstants.ASSERTION_NS + "\" ID=\"" + XmlText.escape(id) + "\" Version=\"2.0\" IssueInstant=\""
                + instant(issueInstant) + "\" Destination=\"" + XmlText.escape(destination) + "\" InResponseTo=\""
                + XmlText.escape(inResponseTo) + "\"><saml:Issuer>" + XmlText.escape(spEntityId)
                + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"" + XmlText.escape(statusCode)
                + "\"/></samlp:Status></samlp:LogoutResponse>";
    }

    private static void attribute(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(' ').append(name).append("=\"").append(XmlText.escape(value)).append('"');
        }
    }

    private static String instant(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
