package dev.portcullis.devidp;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.xml.security.Init;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.Constants;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.portcullis.testkit.XmlSigning;

/**
 * Checks the signature of a message from the SP (AuthnRequest, LogoutRequest, LogoutResponse) against
 * the one SP certificate the IdP is configured with. The key in a signature's KeyInfo is never used:
 * anyone can sign with a key of their own and put its certificate there. Only RSA-SHA256 and ECDSA-SHA256/384 are accepted, SHA-1 never. Thread-safe.
 */
final class RequestSignatures {

    static final String RSA_SHA256 = XmlSigning.RSA_SHA256;
    static final String ECDSA_SHA256 = XmlSigning.ECDSA_SHA256;
    static final String ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    static final String DSIG_NS = Constants.SignatureSpecNS;

    /** SigAlg URI to the JCA algorithm and the key type it needs. XML DSig's ECDSA value is r||s (P1363). */
    private static final Map<String, String[]> REDIRECT_ALGORITHMS = Map.of(
            RSA_SHA256, new String[] {"SHA256withRSA", "RSA"},
            ECDSA_SHA256, new String[] {"SHA256withECDSAinP1363Format", "EC"},
            ECDSA_SHA384, new String[] {"SHA384withECDSAinP1363Format", "EC"});

    private static final Set<String> XML_SIGNATURE_ALGORITHMS = Set.of(RSA_SHA256, ECDSA_SHA256, ECDSA_SHA384);
    private static final Set<String> XML_DIGEST_ALGORITHMS = Set.of(XmlSigning.SHA256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512");
    private static final Set<String> XML_TRANSFORMS = Set.of(Transforms.TRANSFORM_ENVELOPED_SIGNATURE,
            Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);

    static {
        Init.init();
    }

    private final X509Certificate spCertificate;

    RequestSignatures(X509Certificate spCertificate) {
        this.spCertificate = spCertificate;
    }

    /** HTTP-Redirect binding: the signature over the query string octets (saml-bindings-2.0-os 3.4.4.1). */
    void verifyRedirect(RedirectQuery query) throws RequestRejected {
        if (query.sigAlg() == null || query.signature() == null) {
            throw new RequestRejected(Rejection.UNSIGNED_REQUEST, "SigAlg or Signature missing from the query");
        }
        String sigAlg = query.decodedSigAlg();
        String[] algorithm = REDIRECT_ALGORITHMS.get(sigAlg);
        if (algorithm == null) {
            throw new RequestRejected(Rejection.UNSUPPORTED_ALGORITHM, "SigAlg [" + sigAlg + "] is not accepted");
        }
        PublicKey key = spCertificate.getPublicKey();
        if (!algorithm[1].equals(key.getAlgorithm())) {
            throw new RequestRejected(Rejection.UNSUPPORTED_ALGORITHM, "SigAlg [" + sigAlg + "] does not fit the SP's "
                    + key.getAlgorithm() + " key");
        }
        byte[] signatureValue;
        try {
            signatureValue = Base64.getDecoder().decode(query.decodedSignature());
        } catch (IllegalArgumentException e) {
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the Signature parameter is not base64", e);
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm[0]);
            verifier.initVerify(key);
            verifier.update(query.signedOctets());
            valid = verifier.verify(signatureValue);
        } catch (GeneralSecurityException e) {
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the signature cannot be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the query string signature does not verify with the SP"
                    + " certificate [" + spCertificate.getSubjectX500Principal() + "]");
        }
    }

    /**
     * HTTP-POST binding: an enveloped XML signature, a direct child of the root element, with exactly one
     * reference, and that reference naming the root element's ID. A signature over any other element
     * proves nothing about the request (XML signature wrapping).
     */
    void verifyEnveloped(Element root) throws RequestRejected {
        List<Element> signatures = signatureChildren(root);
        if (signatures.isEmpty()) {
            throw new RequestRejected(Rejection.UNSIGNED_REQUEST, "no enveloped ds:Signature in the "
                    + root.getLocalName());
        }
        if (signatures.size() > 1) {
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, signatures.size() + " ds:Signature elements");
        }
        String id = root.getAttributeNS(null, "ID");
        if (id.isEmpty()) {
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the signed element has no ID");
        }
        // Only the root's ID is registered, so "#id" can resolve to the root and nothing else.
        root.setIdAttributeNS(null, "ID", true);
        try {
            XMLSignature signature = new XMLSignature(signatures.get(0), "", true);
            SignedInfo signedInfo = signature.getSignedInfo();
            String method = signedInfo.getSignatureMethodURI();
            if (!XML_SIGNATURE_ALGORITHMS.contains(method)) {
                throw new RequestRejected(Rejection.UNSUPPORTED_ALGORITHM, "SignatureMethod [" + method + "] is not accepted");
            }
            if (signedInfo.getLength() != 1) {
                throw new RequestRejected(Rejection.INVALID_SIGNATURE, signedInfo.getLength() + " references instead of one");
            }
            Reference reference = signedInfo.item(0);
            if (!("#" + id).equals(reference.getURI())) {
                throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the reference [" + reference.getURI()
                        + "] is not the " + root.getLocalName() + "'s ID [#" + id + "]");
            }
            String digest = reference.getMessageDigestAlgorithm().getAlgorithmURI();
            if (!XML_DIGEST_ALGORITHMS.contains(digest)) {
                throw new RequestRejected(Rejection.UNSUPPORTED_ALGORITHM, "DigestMethod [" + digest + "] is not accepted");
            }
            Transforms transforms = reference.getTransforms();
            for (int i = 0; transforms != null && i < transforms.getLength(); i++) {
                String transform = transforms.item(i).getURI();
                if (!XML_TRANSFORMS.contains(transform)) {
                    throw new RequestRejected(Rejection.UNSUPPORTED_ALGORITHM, "Transform [" + transform + "] is not accepted");
                }
            }
            // The configured certificate's key, never KeyInfo's.
            if (!signature.checkSignatureValue(spCertificate)) {
                throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the XML signature does not verify with the SP"
                        + " certificate [" + spCertificate.getSubjectX500Principal() + "]");
            }
        } catch (XMLSecurityException e) {
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, "the XML signature cannot be checked: " + e.getMessage(), e);
        }
    }

    private static List<Element> signatureChildren(Element root) {
        List<Element> found = new ArrayList<>();
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && Constants.SignatureSpecNS.equals(element.getNamespaceURI())
                    && "Signature".equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }
}
