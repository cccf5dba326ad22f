package dev.portcullis.saml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
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
 * Puts an outgoing SAML message (AuthnRequest, LogoutRequest, LogoutResponse) on a binding, signed
 * with the SP key when one is given: HTTP-Redirect (deflated, the signature over the query string,
 * saml-bindings-2.0-os 3.4.4.1) or HTTP-POST (an enveloped XML signature after the Issuer).
 * Immutable and thread-safe.
 */
public final class MessageEncoder {

    static {
        Init.init();
    }

    private final PrivateKey signingKey;
    private final X509Certificate signingCertificate;
    private final SecureXml xml;

    /** @param signingKey the SP key to sign with, or null to send unsigned messages */
    public MessageEncoder(PrivateKey signingKey, X509Certificate signingCertificate, SecureXml xml) {
        this.signingKey = signingKey;
        this.signingCertificate = signingCertificate;
        this.xml = xml;
    }

    public boolean signs() {
        return signingKey != null;
    }

    /**
     * @param binding   {@link SamlConstants#REDIRECT_BINDING} or {@link SamlConstants#POST_BINDING}
     * @param parameter {@code SAMLRequest} or {@code SAMLResponse}
     * @param id        the message's ID (referenced by the POST binding's signature)
     */
    public OutboundMessage encode(String binding, String location, String parameter, String message, String id,
                                  String relayState) {
        if (SamlConstants.REDIRECT_BINDING.equals(binding)) {
            return new OutboundMessage(binding, redirectUrl(location, parameter, message, relayState), Map.of());
        }
        if (SamlConstants.POST_BINDING.equals(binding)) {
            String signed = signingKey == null ? message : signEnveloped(message, id);
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(parameter, Base64.getEncoder().encodeToString(signed.getBytes(StandardCharsets.UTF_8)));
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
            query.append("&SigAlg=").append(url(signatureAlgorithm(signingKey)));
            try {
                Signature signer = Signature.getInstance(jcaAlgorithm(signingKey));
                signer.initSign(signingKey);
                signer.update(query.toString().getBytes(StandardCharsets.US_ASCII));
                query.append("&Signature=").append(url(Base64.getEncoder().encodeToString(signer.sign())));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign the message with the SP key", e);
            }
        }
        return location + (location.indexOf('?') < 0 ? '?' : '&') + query;
    }

    private String signEnveloped(String message, String id) {
        try {
            Document document = xml.parse(message.getBytes(StandardCharsets.UTF_8));
            Element root = document.getDocumentElement();
            XMLSignature signature = new XMLSignature(document, "", signatureAlgorithm(signingKey), AlgorithmPolicy.EXC_C14N);
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
            throw new IllegalStateException("cannot sign the message", e);
        }
    }

    /**
     * The signature algorithm for an SP key: RSA-SHA256 for RSA; for EC, the hash that matches the curve's
     * strength (NIST SP 800-57): ECDSA-SHA256 on P-256, ECDSA-SHA384 on P-384 (SpCredentials admits no other
     * curve).
     */
    public static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            return ec.getParams().getOrder().bitLength() > 256 ? AlgorithmPolicy.ECDSA_SHA384 : AlgorithmPolicy.ECDSA_SHA256;
        }
        return AlgorithmPolicy.RSA_SHA256;
    }

    /** The JCA name of {@link #signatureAlgorithm}; XML DSig's ECDSA value is r||s, the JDK's P1363 format. */
    static String jcaAlgorithm(PrivateKey key) {
        return switch (signatureAlgorithm(key)) {
            case AlgorithmPolicy.ECDSA_SHA384 -> "SHA384withECDSAinP1363Format";
            case AlgorithmPolicy.ECDSA_SHA256 -> "SHA256withECDSAinP1363Format";
            default -> "SHA256withRSA";
        };
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
