package dev.portcullis.testkit;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Signs a SAML element (Response, Assertion, AuthnRequest ...) the way identity providers do: an
 * enveloped signature placed right after the element's {@code Issuer}, one reference to the element's
 * {@code ID}, enveloped + exclusive canonicalization transforms. Every choice is an {@link Options}
 * field so that attack tests can sign in the ways a service provider must refuse.
 */
public final class XmlSigning {

    public static final String RSA_SHA256 = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
    public static final String RSA_SHA1 = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1;
    public static final String ECDSA_SHA256 = XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256;
    public static final String SHA256 = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256;
    public static final String SHA1 = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1;
    public static final String EXCL_C14N = Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS;
    public static final String ENVELOPED = Transforms.TRANSFORM_ENVELOPED_SIGNATURE;

    static {
        Init.init();
    }

    private XmlSigning() {
    }

    /** How to sign; the defaults are what a well-behaved IdP does. */
    public static final class Options {
        /** Signature algorithm URI; null picks RSA-SHA256 or ECDSA-SHA256 from the key type. */
        public String signatureAlgorithm;
        public String digestAlgorithm = SHA256;
        public String canonicalization = EXCL_C14N;
        public List<String> transforms = List.of(ENVELOPED, EXCL_C14N);
        /** Reference URI; null means {@code "#" + ID} of the signed element. */
        public String referenceUri;
        public boolean includeKeyInfo = true;
        /** Certificate put in KeyInfo; null means the signer's own. */
        public X509Certificate keyInfoCertificate;
    }

    /** Signs with the default options. */
    public static Element sign(Element element, TestCredentials signer) {
        return sign(element, signer, new Options());
    }

    /** Signs the element in place and returns the new {@code ds:Signature} element. */
    public static Element sign(Element element, TestCredentials signer, Options options) {
        return sign(element, signer.privateKey(), signer.certificate(), options);
    }

    public static Element sign(Element element, PrivateKey key, X509Certificate certificate, Options options) {
        try {
            String algorithm = options.signatureAlgorithm != null ? options.signatureAlgorithm
                    : "EC".equals(key.getAlgorithm()) ? ECDSA_SHA256 : RSA_SHA256;
            XMLSignature signature = new XMLSignature(element.getOwnerDocument(), "", algorithm,
                    options.canonicalization);
            Node issuer = firstChildNamed(element, "Issuer");
            element.insertBefore(signature.getElement(), issuer != null ? issuer.getNextSibling() : element.getFirstChild());

            Transforms transforms = new Transforms(element.getOwnerDocument());
            for (String transform : options.transforms) {
                transforms.addTransform(transform);
            }
            String id = element.getAttribute("ID");
            if (!id.isEmpty()) {
                element.setIdAttributeNS(null, "ID", true);
            }
            signature.addDocument(options.referenceUri != null ? options.referenceUri : "#" + id, transforms,
                    options.digestAlgorithm);
            if (options.includeKeyInfo) {
                signature.addKeyInfo(options.keyInfoCertificate != null ? options.keyInfoCertificate : certificate);
            }
            signature.sign(key);
            return signature.getElement();
        } catch (XMLSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    private static Node firstChildNamed(Element element, String localName) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && localName.equals(child.getLocalName())) {
                return child;
            }
        }
        return null;
    }
}
