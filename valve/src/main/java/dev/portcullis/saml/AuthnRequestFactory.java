package dev.portcullis.saml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.apache.xml.security.Init;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds AuthnRequests and encodes them for the IdP's preferred binding: HTTP-Redirect (deflated,
 * with the signature over the query string, saml-bindings-2.0-os 3.4.4.1) or HTTP-POST (enveloped
 * XML signature). Immutable and thread-safe.
 */
public final class AuthnRequestFactory {

    static {
        Init.init();
    }

    private final String spEntityId;
    private final String acsUrl;
    private final String nameIdFormat;
    private final PrivateKey signingKey;
    private final X509Certificate signingCertificate;
    private final SecureXml xml;

    /**
     * @param signingKey the SP key to sign with, or null to send unsigned requests
     */
    public AuthnRequestFactory(String spEntityId, String acsUrl, String nameIdFormat, PrivateKey signingKey,
                               X509Certificate signingCertificate, SecureXml xml) {
        this.spEntityId = spEntityId;
        this.acsUrl = acsUrl;
        this.nameIdFormat = nameIdFormat;
        this.signingKey = signingKey;
        this.signingCertificate = signingCertificate;
        this.xml = xml;
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
        String request = xml(id, issueInstant, location, options);
        if (SamlConstants.REDIRECT_BINDING.equals(binding)) {
            return new OutboundMessage(binding, redirectUrl(location, SamlConstants.SAML_REQUEST, request, relayState), Map.of());
        }
        if (SamlConstants.POST_BINDING.equals(binding)) {
            String signed = signingKey == null ? request : signEnveloped(request, id);
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(SamlConstants.SAML_REQUEST, Base64.getEncoder().encodeToString(signed.getBytes(StandardCharsets.UTF_8)));
            if (relayState != null) {
                fields.put(SamlConstants.RELAY_STATE, relayState);
            }
            return new OutboundMessage(binding, location, fields);
        }
        throw new IllegalArgumentException("unsupported binding " + binding);
    }

    /** An HTTP-Redirect URL carrying a message, signed over the query string when a key is configured. */
    public String redirectUrl(String location, String parameter, String message, String relayState) {
        StringBuilder query = new StringBuilder(1024);
        query.append(parameter).append('=').append(url(deflateBase64(message)));
        if (relayState != null) {
            query.append("&RelayState=").append(url(relayState));
        }
        if (signingKey != null) {
            boolean ec = "EC".equals(signingKey.getAlgorithm());
            query.append("&SigAlg=").append(url(ec ? AlgorithmPolicy.ECDSA_SHA256 : AlgorithmPolicy.RSA_SHA256));
            try {
                // XML DSig's ECDSA value is r||s, which the JDK calls the P1363 format.
                Signature signer = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
                signer.initSign(signingKey);
                signer.update(query.toString().getBytes(StandardCharsets.US_ASCII));
                query.append("&Signature=").append(url(Base64.getEncoder().encodeToString(signer.sign())));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign the request with the SP key", e);
            }
        }
        return location + (location.indexOf('?') < 0 ? '?' : '&') + query;
    }

    private String signEnveloped(String request, String id) {
        try {
            Document document = xml.parse(request.getBytes(StandardCharsets.UTF_8));
            Element root = document.getDocumentElement();
            boolean ec = "EC".equals(signingKey.getAlgorithm());
            XMLSignature signature = new XMLSignature(document, "",
                    ec ? AlgorithmPolicy.ECDSA_SHA256 : AlgorithmPolicy.RSA_SHA256, AlgorithmPolicy.EXC_C14N);
            Element issuer = Dom.children(root, SamlConstants.ASSERTION_NS, "Issuer").get(0);
            root.insertBefore(signature.getElement(), issuer.getNextSibling());
            Transforms transforms = new Transforms(document);
            transforms.addTransform(AlgorithmPolicy.ENVELOPED);
            transforms.addTransform(AlgorithmPolicy.EXC_C14N);
            root.setIdAttributeNS(null, "ID", true);
            signature.addDocument("#" + id, transforms, AlgorithmPolicy.SHA256);
            signature.addKeyInfo(signingCertificate);
            signature.sign(signingKey);
            return XmlText.serialize(document);
        } catch (SamlValidationException | XMLSecurityException e) {
            throw new IllegalStateException("cannot sign the AuthnRequest", e);
        }
    }

    static String deflateBase64(String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater)) {
            out.write(message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            deflater.end();
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
