package dev.portcullis.testkit;

import java.security.cert.X509Certificate;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import org.apache.xml.security.Init;
import org.apache.xml.security.encryption.EncryptedData;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.keys.KeyInfo;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Encrypts SAML elements for an SP the way IdPs do (XML Encryption): a fresh AES content key, wrapped
 * with the SP's RSA public key in an EncryptedKey inside the EncryptedData's KeyInfo, the whole
 * wrapped in {@code saml:EncryptedAssertion} (or EncryptedID, EncryptedAttribute). Every algorithm is
 * a parameter so tests can encrypt the ways an SP must refuse.
 */
public final class XmlEncryption {

    public static final String AES256_GCM = XMLCipher.AES_256_GCM;
    public static final String AES128_GCM = XMLCipher.AES_128_GCM;
    public static final String AES128_CBC = XMLCipher.AES_128;
    public static final String AES256_CBC = XMLCipher.AES_256;
    public static final String TRIPLEDES = XMLCipher.TRIPLEDES;
    public static final String RSA_OAEP = XMLCipher.RSA_OAEP;
    public static final String RSA_OAEP_11 = XMLCipher.RSA_OAEP_11;
    public static final String RSA_1_5 = XMLCipher.RSA_v1dot5;

    static {
        Init.init();
    }

    private XmlEncryption() {
    }

    /** Encrypts with AES-256-GCM and RSA-OAEP, the usual modern choice. */
    public static Element encrypt(Element element, String wrapperName, X509Certificate recipient) {
        return encrypt(element, wrapperName, recipient, AES256_GCM, RSA_OAEP);
    }

    /**
     * Replaces {@code element} (an Assertion, NameID or Attribute) in its document with
     * {@code <saml:wrapperName>} holding its encryption.
     *
     * @return the wrapper element
     */
    public static Element encrypt(Element element, String wrapperName, X509Certificate recipient, String dataAlgorithm,
                                  String keyTransport) {
        try {
            Document doc = element.getOwnerDocument();
            KeyGenerator generator = KeyGenerator.getInstance(dataAlgorithm.equals(TRIPLEDES) ? "DESede" : "AES");
            if (!dataAlgorithm.equals(TRIPLEDES)) {
                generator.init(dataAlgorithm.contains("128") ? 128 : 256);
            }
            SecretKey contentKey = generator.generateKey();

            XMLCipher keyCipher = XMLCipher.getInstance(keyTransport);
            keyCipher.init(XMLCipher.WRAP_MODE, recipient.getPublicKey());
            EncryptedKey encryptedKey = keyCipher.encryptKey(doc, contentKey);

            Node parent = element.getParentNode();
            Element wrapper = doc.createElementNS("urn:oasis:names:tc:SAML:2.0:assertion", "saml:" + wrapperName);
            parent.replaceChild(wrapper, element);
            wrapper.appendChild(element);

            XMLCipher dataCipher = XMLCipher.getInstance(dataAlgorithm);
            dataCipher.init(XMLCipher.ENCRYPT_MODE, contentKey);
            EncryptedData encryptedData = dataCipher.getEncryptedData();
            KeyInfo keyInfo = new KeyInfo(doc);
            keyInfo.add(encryptedKey);
            encryptedData.setKeyInfo(keyInfo);
            dataCipher.doFinal(doc, element, false);
            return wrapper;
        } catch (Exception e) {
            throw new IllegalStateException("cannot encrypt: " + e, e);
        }
    }
}
