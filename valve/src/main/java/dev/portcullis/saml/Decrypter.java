package dev.portcullis.saml;

import java.security.Key;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.xml.security.Init;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Decrypts what an IdP encrypted for this SP (saml-core-2.0-os 2.2.4, 2.3.4, 2.7.3.2: EncryptedID,
 * EncryptedAssertion, EncryptedAttribute) with XML Encryption (xmlenc-core). Checks before it decrypts:
 * <ul>
 *   <li>data encryption AES-GCM or AES-CBC (128/192/256) only; 3DES and anything else refused;</li>
 *   <li>key transport RSA-OAEP (either URI); RSA PKCS#1 v1.5 only when explicitly allowed, since it
 *       is open to Bleichenbacher-style oracles;</li>
 *   <li>ciphertext inline ({@code CipherValue}); a {@code CipherReference} would make the SP fetch a
 *       URI of the attacker's choosing, and {@code RetrievalMethod} is never followed;</li>
 *   <li>the plaintext is bounded and parsed by {@link SecureXml} like any message.</li>
 * </ul>
 * Every failure, whatever its cause (wrong key, bad padding, bad tag, bad XML), is the same
 * {@code decryption_failed} to the caller, so that an attacker probing with modified ciphertext learns
 * nothing from the answer ("How to Break XML Encryption", Jager and Somorovsky, CCS 2011); the log
 * keeps the detail. Trying several SP keys supports a decryption key rollover. Thread-safe.
 */
public final class Decrypter {

    static {
        Init.init();
    }

    public static final String AES128_GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    public static final String AES192_GCM = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
    public static final String AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    public static final String AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    public static final String AES192_CBC = "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
    public static final String AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
    public static final String RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    public static final String RSA_OAEP = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    public static final String RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

    private static final Set<String> DATA_ALGORITHMS = Set.of(AES128_GCM, AES192_GCM, AES256_GCM, AES128_CBC, AES192_CBC,
            AES256_CBC);

    private final List<PrivateKey> keys;
    private final boolean allowRsa15;
    private final SecureXml xml;
    private final int maxPlaintext;

    /**
     * @param keys         the SP's RSA private keys, current first
     * @param allowRsa15   accept RSA PKCS#1 v1.5 key transport
     * @param maxPlaintext largest decrypted content, in bytes
     */
    public Decrypter(List<PrivateKey> keys, boolean allowRsa15, SecureXml xml, int maxPlaintext) {
        this.keys = keys.stream().filter(k -> "RSA".equals(k.getAlgorithm())).toList();
        this.allowRsa15 = allowRsa15;
        this.xml = xml;
        this.maxPlaintext = maxPlaintext;
    }

    /** Whether any key can decrypt at all (an EC-only SP cannot receive encrypted assertions). */
    public boolean hasKeys() {
        return !keys.isEmpty();
    }

    /**
     * Decrypts an {@code EncryptedAssertion}, {@code EncryptedID} or {@code EncryptedAttribute}.
     *
     * @param wrapper       the saml:Encrypted* element
     * @param expectedLocal the local name the plaintext's root must have (Assertion, NameID, Attribute)
     * @return the plaintext element, root of a new document of its own
     */
    public Element decrypt(Element wrapper, String expectedLocal) throws SamlValidationException {
        Element encryptedData = Dom.requiredChild(wrapper, SamlConstants.XENC_NS, "EncryptedData", SamlErrorCode.DECRYPTION_FAILED);
        Element method = Dom.requiredChild(encryptedData, SamlConstants.XENC_NS, "EncryptionMethod", SamlErrorCode.DECRYPTION_FAILED);
        String dataAlgorithm = Dom.attribute(method, "Algorithm");
        if (dataAlgorithm == null || !DATA_ALGORITHMS.contains(dataAlgorithm)) {
            throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_ENCRYPTION_ALGORITHM, "data encryption algorithm ["
                    + SecureXml.truncate(dataAlgorithm) + "] is not allowed (AES-GCM or AES-CBC only)");
        }
        requireInlineCipherValue(encryptedData);
        List<Element> encryptedKeys = encryptedKeys(wrapper, encryptedData);
        if (encryptedKeys.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, wrapper.getLocalName()
                    + " carries no EncryptedKey (key agreement and pre-shared keys are not supported)");
        }
        for (Element encryptedKey : encryptedKeys) {
            checkKeyTransport(encryptedKey);
            requireInlineCipherValue(encryptedKey);
        }
        if (keys.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "received " + wrapper.getLocalName()
                    + " but no RSA SP key is configured to decrypt it");
        }
        Key contentKey = unwrap(wrapper.getOwnerDocument(), encryptedKeys, dataAlgorithm);
        byte[] plaintext;
        try {
            XMLCipher cipher = XMLCipher.getInstance();
            cipher.setSecureValidation(true);
            cipher.init(XMLCipher.DECRYPT_MODE, contentKey);
            plaintext = cipher.decryptToByteArray(encryptedData);
        } catch (XMLSecurityException | RuntimeException e) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "the ciphertext does not decrypt ["
                    + e.getClass().getSimpleName() + "]");
        }
        if (plaintext.length > maxPlaintext) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "decrypted " + wrapper.getLocalName()
                    + " has " + plaintext.length + " bytes [limit " + maxPlaintext + "]");
        }
        Element root;
        try {
            root = parseInContext(plaintext, wrapper);
        } catch (SamlValidationException e) {
            // Garbage out of CBC decryption looks like bad XML; it must look like any other failure.
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "the decrypted " + wrapper.getLocalName()
                    + " is not usable XML [" + e.code().code() + "]");
        }
        if (!SamlConstants.ASSERTION_NS.equals(root.getNamespaceURI()) || !expectedLocal.equals(root.getLocalName())) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, wrapper.getLocalName() + " decrypted to ["
                    + root.getLocalName() + "], expected [" + expectedLocal + "]");
        }
        return root;
    }

    /**
     * Parses decrypted content the way XML Encryption defines it (xmlenc-core 4.5): in the namespace
     * context of the place it came from, so that a fragment such as {@code <saml:NameID>} whose prefix
     * was declared on an ancestor still parses. The fragment must be a single element.
     */
    private Element parseInContext(byte[] plaintext, Element wrapper) throws SamlValidationException {
        String text = new String(plaintext, java.nio.charset.StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.startsWith("<?xml")) {
            int end = text.indexOf("?>");
            text = end < 0 ? text : text.substring(end + 2);
        }
        StringBuilder context = new StringBuilder("<portcullis-decrypted");
        java.util.Map<String, String> declared = new java.util.LinkedHashMap<>();
        for (org.w3c.dom.Node node = wrapper; node instanceof Element element; node = node.getParentNode()) {
            org.w3c.dom.NamedNodeMap attributes = element.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                org.w3c.dom.Attr attribute = (org.w3c.dom.Attr) attributes.item(i);
                if ("http://www.w3.org/2000/xmlns/".equals(attribute.getNamespaceURI())) {
                    declared.putIfAbsent(attribute.getName(), attribute.getValue());
                }
            }
        }
        declared.forEach((name, uri) -> context.append(' ').append(name).append("=\"").append(XmlText.escape(uri)).append('"'));
        context.append('>').append(text).append("</portcullis-decrypted>");
        Document document = xml.parse(context.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<Element> elements = new ArrayList<>();
        for (org.w3c.dom.Node child = document.getDocumentElement().getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == org.w3c.dom.Node.ELEMENT_NODE) {
                elements.add((Element) child);
            } else if (child.getNodeType() == org.w3c.dom.Node.TEXT_NODE && !child.getNodeValue().isBlank()) {
                throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "text beside the decrypted element");
            }
        }
        if (elements.size() != 1) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "decrypted content has " + elements.size()
                    + " elements [expected 1]");
        }
        return elements.get(0);
    }

    private void checkKeyTransport(Element encryptedKey) throws SamlValidationException {
        Element method = Dom.requiredChild(encryptedKey, SamlConstants.XENC_NS, "EncryptionMethod", SamlErrorCode.DECRYPTION_FAILED);
        String algorithm = Dom.attribute(method, "Algorithm");
        boolean allowed = RSA_OAEP_MGF1P.equals(algorithm) || RSA_OAEP.equals(algorithm) || (allowRsa15 && RSA_1_5.equals(algorithm));
        if (!allowed) {
            throw new SamlValidationException(SamlErrorCode.UNSUPPORTED_ENCRYPTION_ALGORITHM, "key transport algorithm ["
                    + SecureXml.truncate(algorithm) + "] is not allowed" + (RSA_1_5.equals(algorithm)
                    ? " (RSA 1.5 needs allowRsa15KeyTransport=true)" : " (RSA-OAEP only)"));
        }
    }

    private static void requireInlineCipherValue(Element encrypted) throws SamlValidationException {
        Element cipherData = Dom.requiredChild(encrypted, SamlConstants.XENC_NS, "CipherData", SamlErrorCode.DECRYPTION_FAILED);
        if (Dom.optionalChild(cipherData, SamlConstants.XENC_NS, "CipherValue", SamlErrorCode.DECRYPTION_FAILED) == null) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, encrypted.getLocalName()
                    + " has no inline CipherValue (a CipherReference is never dereferenced)");
        }
    }

    /** EncryptedKeys inside EncryptedData's KeyInfo, and those beside it in the wrapper. */
    private static List<Element> encryptedKeys(Element wrapper, Element encryptedData) throws SamlValidationException {
        List<Element> found = new ArrayList<>();
        Element keyInfo = Dom.optionalChild(encryptedData, SamlConstants.DSIG_NS, "KeyInfo", SamlErrorCode.DECRYPTION_FAILED);
        if (keyInfo != null) {
            found.addAll(Dom.children(keyInfo, SamlConstants.XENC_NS, "EncryptedKey"));
        }
        found.addAll(Dom.children(wrapper, SamlConstants.XENC_NS, "EncryptedKey"));
        if (found.size() > 4) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, found.size() + " EncryptedKeys [at most 4]");
        }
        return found;
    }

    private Key unwrap(Document document, List<Element> encryptedKeys, String dataAlgorithm) throws SamlValidationException {
        for (Element element : encryptedKeys) {
            for (PrivateKey key : keys) {
                try {
                    XMLCipher cipher = XMLCipher.getInstance();
                    cipher.setSecureValidation(true);
                    cipher.init(XMLCipher.UNWRAP_MODE, key);
                    EncryptedKey encryptedKey = cipher.loadEncryptedKey(document, element);
                    return cipher.decryptKey(encryptedKey, dataAlgorithm);
                } catch (XMLSecurityException | RuntimeException e) {
                    // not this key; try the next one
                }
            }
        }
        throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "no SP key unwraps the content key ("
                + keys.size() + " key(s) tried)");
    }
}
