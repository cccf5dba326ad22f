package dev.portcullis.bench.baseline;

import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.function.Function;

import org.opensaml.core.config.InitializationService;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import net.shibboleth.utilities.java.support.xml.BasicParserPool;

/**
 * Baseline: OpenSAML 3.4.6 as an SP built on it does the cryptographic part of the ACS: base64, parse
 * with its secure parser pool, unmarshal the Response, apply the SAML signature profile to the
 * Assertion's signature and verify it with the IdP key. No time, audience, subject or replay checks, so
 * it does less than Portcullis. Loaded only by {@code BaselineLoader}.
 */
public final class OpenSaml3Baseline implements Function<String, Object> {

    private final BasicParserPool parsers;
    private final BasicX509Credential credential;
    private final SAMLSignatureProfileValidator profile = new SAMLSignatureProfileValidator();

    public OpenSaml3Baseline(X509Certificate idpCertificate) throws Exception {
        InitializationService.initialize();
        parsers = new BasicParserPool();
        parsers.setMaxPoolSize(8);
        parsers.initialize();
        credential = new BasicX509Credential(idpCertificate);
    }

    @Override
    public Object apply(String samlResponse) {
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(samlResponse);
            Document document = parsers.parse(new ByteArrayInputStream(bytes));
            Element root = document.getDocumentElement();
            Response response = (Response) XMLObjectProviderRegistrySupport.getUnmarshallerFactory()
                    .getUnmarshaller(root).unmarshall(root);
            Assertion assertion = response.getAssertions().get(0);
            Signature signature = assertion.getSignature();
            profile.validate(signature);
            SignatureValidator.validate(signature, credential);
            return assertion;
        } catch (Exception e) {
            throw new IllegalStateException("OpenSAML 3 refused the benchmark message: " + e, e);
        }
    }
}
