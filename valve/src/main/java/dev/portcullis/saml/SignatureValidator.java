package dev.portcullis.saml;

import java.security.PublicKey;
import java.util.List;

import org.apache.xml.security.Init;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.signature.XMLSignatureInput;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Verifies the enveloped XML signature of one SAML element (a Response or an Assertion) following the
 * SAML signature profile (saml-core-2.0-os section 5.4), in this order:
 * <ol>
 *   <li><b>Shape</b>: at most one {@code ds:Signature} as a direct child; exactly one Reference; no
 *       {@code ds:Object} (an assertion hidden there is a classic wrapping vector).</li>
 *   <li><b>Algorithms</b>: SignedInfo canonicalization exclusive c14n; signature and digest method on
 *       the {@link AlgorithmPolicy} allowlist; transforms only enveloped-signature and exclusive c14n,
 *       so no XPath or XSLT transform ever runs.</li>
 *   <li><b>Reference</b>: the URI is {@code "#"} + the ID of the very element that contains the
 *       signature, and that ID value appears on exactly one element in the document; only that
 *       attribute is registered as an ID, so the reference cannot resolve anywhere else
 *       (signature wrapping: "On Breaking SAML", USENIX Security 2012; CVE-2024-45409).</li>
 *   <li><b>Cryptography</b>: Santuario with secure validation, against the IdP metadata keys only;
 *       {@code ds:KeyInfo} in the message is never read, so a message cannot name its own key.</li>
 *   <li><b>Binding</b>: after verification, the node the reference resolved to must be the element
 *       itself; the caller then reads values only from that element object.</li>
 * </ol>
 * Thread-safe.
 */
public final class SignatureValidator {

    static {
        Init.init();
    }

    private final List<PublicKey> trustedKeys;
    private final AlgorithmPolicy policy;

    public SignatureValidator(List<PublicKey> trustedKeys, AlgorithmPolicy policy) {
        if (trustedKeys.isEmpty()) {
            // Reject by default: no trusted key means nothing can be verified, never that nothing needs to be.
            throw new IllegalArgumentException("at least one trusted IdP signing key is required");
        }
        this.trustedKeys = List.copyOf(trustedKeys);
        this.policy = policy;
    }

    /**
     * Verifies the signature that is a direct child of {@code signed}.
     *
     * @return true when a signature is present and valid, false when there is none
     * @throws SamlValidationException when a signature is present but not acceptable
     */
    public boolean verifyIfPresent(Element signed) throws SamlValidationException {
        List<Element> signatures = Dom.children(signed, SamlConstants.DSIG_NS, "Signature");
        if (signatures.isEmpty()) {
            return false;
        }
        String what = signed.getLocalName();
        if (signatures.size() > 1) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what + " has " + signatures.size()
                    + " Signature elements [expected 1]");
        }
        Element signature = signatures.get(0);
        String id = Dom.attribute(signed, "ID");
        if (id == null || id.isBlank()) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE_REFERENCE, what + " is signed but has no ID");
        }
        String signatureAlgorithm = checkShape(what, signature, id);
        checkUniqueId(what, signed.getOwnerDocument(), id);
        signed.setIdAttributeNS(null, "ID", true);

        XMLSignature xmlSignature;
        try {
            xmlSignature = new XMLSignature(signature, "", true);
        } catch (XMLSecurityException e) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what + " signature cannot be read ["
                    + SecureXml.truncate(e.getMessage()) + "]");
        }
        String keyAlgorithm = policy.keyAlgorithmFor(signatureAlgorithm);
        boolean verified = false;
        int tried = 0;
        int refused = 0;
        Exception unusable = null;
        PublicKey unusableWith = null;
        for (PublicKey key : trustedKeys) {
            if (!keyAlgorithm.equals(key.getAlgorithm())) {
                continue;
            }
            tried++;
            try {
                if (xmlSignature.checkSignatureValue(key)) {
                    verified = true;
                    break;
                }
                refused++;
            } catch (XMLSecurityException | RuntimeException e) {
                // Santuario and the JCA throw on a SignatureValue that does not fit a key (not base64, the wrong
                // length for this key's size, an ECDSA value that is no point pair). During a rollover from a
                // 2048-bit to a 3072-bit key that is the other key's signature, so the next key is still tried;
                // if none fits, it is a bad signature, never a 500, described in words, not by exception name.
                if (unusable == null) {
                    unusable = e;
                    unusableWith = key;
                }
            }
        }
        if (!verified && refused == 0 && unusable != null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what + " signature cannot be checked: "
                    + damage(signature, unusableWith, unusable) + " [algorithm " + signatureAlgorithm + "]");
        }
        if (tried == 0) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what + " is signed with " + keyAlgorithm
                    + " but none of the IdP's " + trustedKeys.size() + " signing key(s) from its metadata is an "
                    + keyAlgorithm + " key [algorithm " + signatureAlgorithm + "]");
        }
        if (!verified) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what + (digestsMatch(xmlSignature)
                    ? " signature value does not verify with the IdP's " + tried + " " + keyAlgorithm + " signing key(s)"
                    + " from its metadata, although the content matches its digest: it was signed with another key (an"
                    + " IdP key rollover? compare the IdP's current metadata), or the SignedInfo or SignatureValue was altered"
                    : " content does not match the digest in its signature: the " + what + " was changed after the IdP"
                    + " signed it (or re-serialized on the way)") + " [algorithm " + signatureAlgorithm + "]");
        }
        checkReferencedNode(what, xmlSignature, signed);
        return true;
    }

    /**
     * Whether the references' digests match the content, asked only after the signature failed: it tells
     * "content changed" from "signed with another key". Santuario checks the SignatureValue over SignedInfo
     * first and the digests only when that passes, so this recomputes them.
     */
    private static boolean digestsMatch(XMLSignature signature) {
        try {
            return signature.getSignedInfo().verifyReferences();
        } catch (XMLSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** What is wrong with a SignatureValue that could not even be checked, in words. */
    private static String damage(Element signature, PublicKey key, Exception e) {
        String text;
        try {
            text = Dom.text(Dom.requiredChild(signature, SamlConstants.DSIG_NS, "SignatureValue", SamlErrorCode.INVALID_SIGNATURE),
                    SamlErrorCode.INVALID_SIGNATURE);
        } catch (SamlValidationException unreadable) {
            return "its SignatureValue cannot be read";
        }
        byte[] value;
        try {
            value = java.util.Base64.getMimeDecoder().decode(text.strip());
        } catch (IllegalArgumentException notBase64) {
            return "its SignatureValue is not base64 (it was altered or cut short)";
        }
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            int expected = (rsa.getModulus().bitLength() + 7) / 8;
            if (value.length != expected) {
                return "its SignatureValue has " + value.length + " bytes where a signature by the IdP's "
                        + rsa.getModulus().bitLength() + "-bit RSA key has " + expected + " (it was altered or cut short)";
            }
        }
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int expected = 2 * ((ec.getParams().getCurve().getField().getFieldSize() + 7) / 8);
            if (value.length != expected) {
                return "its SignatureValue has " + value.length + " bytes where an ECDSA signature by the IdP's "
                        + ec.getParams().getCurve().getField().getFieldSize() + "-bit key has " + expected
                        + " (it was altered or cut short)";
            }
        }
        String reason = e.getMessage() == null ? null : SecureXml.truncate(e.getMessage());
        return "its SignatureValue is not a well-formed " + key.getAlgorithm() + " signature value (it was altered)"
                + (reason == null || reason.isBlank() ? "" : "; the verifier says: " + reason);
    }

    /** Checks the Signature's structure and algorithms; returns the signature algorithm URI. */
    private String checkShape(String what, Element signature, String id) throws SamlValidationException {
        if (!Dom.children(signature, SamlConstants.DSIG_NS, "Object").isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what + " signature contains ds:Object");
        }
        Element signedInfo = Dom.requiredChild(signature, SamlConstants.DSIG_NS, "SignedInfo", SamlErrorCode.INVALID_SIGNATURE);
        Dom.requiredChild(signature, SamlConstants.DSIG_NS, "SignatureValue", SamlErrorCode.INVALID_SIGNATURE);

        Element c14n = Dom.requiredChild(signedInfo, SamlConstants.DSIG_NS, "CanonicalizationMethod", SamlErrorCode.INVALID_SIGNATURE);
        String c14nAlgorithm = Dom.attribute(c14n, "Algorithm");
        if (!policy.isAllowedCanonicalization(c14nAlgorithm)) {
            throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM, what
                    + " SignedInfo canonicalization [" + c14nAlgorithm + "] is not exclusive c14n");
        }
        Element method = Dom.requiredChild(signedInfo, SamlConstants.DSIG_NS, "SignatureMethod", SamlErrorCode.INVALID_SIGNATURE);
        String signatureAlgorithm = Dom.attribute(method, "Algorithm");
        if (policy.keyAlgorithmFor(signatureAlgorithm) == null || method.getFirstChild() != null && hasElementChild(method)) {
            throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM, what
                    + " signature algorithm [" + signatureAlgorithm + "] is not allowed"
                    + (policy.allowsSha1() ? "" : " (SHA-1 needs allowSha1=true)"));
        }

        List<Element> references = Dom.children(signedInfo, SamlConstants.DSIG_NS, "Reference");
        if (references.size() != 1) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE_REFERENCE, what + " signature has "
                    + references.size() + " references [expected 1]");
        }
        Element reference = references.get(0);
        String uri = Dom.attribute(reference, "URI");
        if (!("#" + id).equals(uri)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE_REFERENCE, what + " signature references ["
                    + SecureXml.truncate(uri) + "], not its own element [#" + SecureXml.truncate(id) + "]");
        }
        Element transforms = Dom.optionalChild(reference, SamlConstants.DSIG_NS, "Transforms", SamlErrorCode.INVALID_SIGNATURE);
        boolean enveloped = false;
        if (transforms != null) {
            List<Element> list = Dom.children(transforms, SamlConstants.DSIG_NS, "Transform");
            if (list.size() > 2) {
                throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM, what + " signature has "
                        + list.size() + " transforms [expected enveloped-signature and exclusive c14n]");
            }
            boolean c14nSeen = false;
            for (Element transform : list) {
                String algorithm = Dom.attribute(transform, "Algorithm");
                if (AlgorithmPolicy.ENVELOPED.equals(algorithm) && !enveloped && !hasElementChild(transform)) {
                    enveloped = true;
                } else if (AlgorithmPolicy.EXC_C14N.equals(algorithm) && !c14nSeen && onlyInclusiveNamespaces(transform)) {
                    c14nSeen = true;
                } else {
                    throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM, what
                            + " signature transform [" + SecureXml.truncate(algorithm) + "] is not allowed");
                }
            }
        }
        if (!enveloped) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, what
                    + " signature is not enveloped (no enveloped-signature transform)");
        }
        Element digest = Dom.requiredChild(reference, SamlConstants.DSIG_NS, "DigestMethod", SamlErrorCode.INVALID_SIGNATURE);
        String digestAlgorithm = Dom.attribute(digest, "Algorithm");
        if (!policy.isAllowedDigest(digestAlgorithm)) {
            throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM, what + " digest algorithm ["
                    + digestAlgorithm + "] is not allowed" + (policy.allowsSha1() ? "" : " (SHA-1 needs allowSha1=true)"));
        }
        return signatureAlgorithm;
    }

    private static boolean onlyInclusiveNamespaces(Element transform) {
        for (Node child = transform.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE
                    && !(SamlConstants.EXC_C14N_NS.equals(child.getNamespaceURI())
                    && "InclusiveNamespaces".equals(child.getLocalName()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasElementChild(Element element) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                return true;
            }
        }
        return false;
    }

    /** The ID value must be carried by exactly one element, under any of the usual ID attribute names. */
    private static void checkUniqueId(String what, Document document, String id) throws SamlValidationException {
        int count = countIds(document.getDocumentElement(), id);
        if (count != 1) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE_REFERENCE, what + " ID appears on " + count
                    + " elements [expected 1]");
        }
    }

    private static int countIds(Element root, String id) {
        int count = 0;
        org.w3c.dom.NodeList all = root.getOwnerDocument().getElementsByTagName("*");
        for (int e = 0; e < all.getLength(); e++) {
            NamedNodeMap attributes = all.item(e).getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr attribute = (Attr) attributes.item(i);
                String name = attribute.getLocalName() != null ? attribute.getLocalName() : attribute.getName();
                if ((name.equals("ID") || name.equals("Id") || name.equals("id")) && id.equals(attribute.getValue())) {
                    count++;
                }
            }
        }
        return count;
    }

    private static void checkReferencedNode(String what, XMLSignature signature, Element signed)
            throws SamlValidationException {
        try {
            XMLSignatureInput input = signature.getSignedInfo().getReferencedContentBeforeTransformsItem(0);
            if (input.getSubNode() != signed) {
                throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE_REFERENCE, what
                        + " signature resolved to another node than the signed element");
            }
        } catch (XMLSecurityException e) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE_REFERENCE, what
                    + " signature reference cannot be resolved [" + SecureXml.truncate(e.getMessage()) + "]");
        }
    }
}
