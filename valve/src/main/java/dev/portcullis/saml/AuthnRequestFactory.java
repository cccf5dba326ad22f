package dev.portcullis.saml;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;


/**
 * Builds AuthnRequests and puts them on the IdP's preferred binding through a {@link MessageEncoder}.
 * Immutable and thread-safe.
 */
public final class AuthnRequestFactory {

    private final String spEntityId;
    private final String acsUrl;
    private final String nameIdFormat;
    private final MessageEncoder encoder;

    /**
     * @param signingKey the SP key to sign with, or null to send unsigned requests
     */
    public AuthnRequestFactory(String spEntityId, String acsUrl, String nameIdFormat, PrivateKey signingKey,
                               X509Certificate signingCertificate, SecureXml xml) {
        this.spEntityId = spEntityId;
        this.acsUrl = acsUrl;
        this.nameIdFormat = nameIdFormat;
        this.encoder = new MessageEncoder(signingKey, signingCertificate, xml);
    }

    /** Whether the requests are signed. */
    public boolean signs() {
        return encoder.signs();
    }

    /** The AuthnRequest XML (unsigned), asking nothing special. */
    public String xml(String id, Instant issueInstant, String destination) {
        return xml(id, issueInstant, destination, AuthnRequestOptions.PLAIN);
    }

    /** The AuthnRequest XML (unsigned). */
    public String xml(String id, Instant issueInstant, String destination, AuthnRequestOptions options) {
        StringBuilder out = new StringBuilder(640);
        out.append("<samlp:AuthnRequest xmlns:samlp=\"").append(SamlConstants.PROTOCOL_NS)
                .append("\" xmlns:saml=\"").append(SamlConstants.ASSERTION_NS)
                .append("\" ID=\"").append(XmlText.escape(id))
                .append("\" Version=\"2.0\" IssueInstant=\"")
                .append(DateTimeFormatter.ISO_INSTANT.format(issueInstant.truncatedTo(ChronoUnit.SECONDS)))
                .append("\" Destination=\"").append(XmlText.escape(destination))
                .append("\" AssertionConsumerServiceURL=\"").append(XmlText.escape(acsUrl))
                .append("\" ProtocolBinding=\"").append(SamlConstants.POST_BINDING).append('"');
        if (options.forceAuthn()) {
            out.append(" ForceAuthn=\"true\"");
        }
        if (options.passive()) {
            out.append(" IsPassive=\"true\"");
        }
        out.append('>')
                .append("<saml:Issuer>").append(XmlText.escape(spEntityId)).append("</saml:Issuer>")
                .append("<samlp:NameIDPolicy AllowCreate=\"true\"");
        if (nameIdFormat != null) {
            out.append(" Format=\"").append(XmlText.escape(nameIdFormat)).append('"');
        }
        out.append("/>");
        if (!options.classRefs().isEmpty()) {
            out.append("<samlp:RequestedAuthnContext Comparison=\"").append(XmlText.escape(options.comparison())).append("\">");
            for (String classRef : options.classRefs()) {
                out.append("<saml:AuthnContextClassRef>").append(XmlText.escape(classRef)).append("</saml:AuthnContextClassRef>");
            }
            out.append("</samlp:RequestedAuthnContext>");
        }
        out.append("</samlp:AuthnRequest>");
        return out.toString();
    }

    /** The request encoded for the given binding and endpoint, asking nothing special. */
    public OutboundMessage encode(String binding, String location, String id, Instant issueInstant, String relayState) {
        return encode(binding, location, id, issueInstant, relayState, AuthnRequestOptions.PLAIN);
    }

    /** The request encoded for the given binding and endpoint. */
    public OutboundMessage encode(String binding, String location, String id, Instant issueInstant, String relayState,
                                  AuthnRequestOptions options) {
        return encoder.encode(binding, location, SamlConstants.SAML_REQUEST, xml(id, issueInstant, location, options), id,
                relayState);
    }

    /** An HTTP-Redirect URL carrying a message, signed over the query string when a key is configured. */
    public String redirectUrl(String location, String parameter, String message, String relayState) {
        return encoder.redirectUrl(location, parameter, message, relayState);
    }
}
