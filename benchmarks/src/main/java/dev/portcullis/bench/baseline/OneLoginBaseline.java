package dev.portcullis.bench.baseline;

import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import com.onelogin.saml2.authn.SamlResponse;
import com.onelogin.saml2.http.HttpRequest;
import com.onelogin.saml2.settings.Saml2Settings;
import com.onelogin.saml2.settings.SettingsBuilder;

import dev.portcullis.bench.Fixtures;

/**
 * Baseline: OneLogin java-saml 2.9.0's complete validation of a Response ({@code SamlResponse.isValid}
 * in strict mode, assertion signature required), with or without its XML schema validation. It has no
 * replay cache. Loaded only by {@code BaselineLoader}.
 */
public final class OneLoginBaseline implements Function<String, Object> {

    private static final String REQUEST_ID = "_9a0c4e12f1b84f0b8d1e2f3a4b5c6d7e";

    private final Saml2Settings settings;

    public OneLoginBaseline(X509Certificate idpCertificate, Boolean xsdValidation) throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("onelogin.saml2.strict", true);
        values.put("onelogin.saml2.sp.entityid", Fixtures.SP);
        values.put("onelogin.saml2.sp.assertion_consumer_service.url", Fixtures.ACS);
        values.put("onelogin.saml2.idp.entityid", Fixtures.IDP);
        values.put("onelogin.saml2.idp.single_sign_on_service.url", "https://idp.example.org/sso");
        values.put("onelogin.saml2.idp.x509cert", Base64.getEncoder().encodeToString(idpCertificate.getEncoded()));
        values.put("onelogin.saml2.security.want_assertions_signed", true);
        values.put("onelogin.saml2.security.want_messages_signed", false);
        values.put("onelogin.saml2.security.want_xml_validation", xsdValidation);
        values.put("onelogin.saml2.security.reject_deprecated_alg", true);
        settings = new SettingsBuilder().fromValues(values).build();
    }

    @Override
    public Object apply(String samlResponse) {
        try {
            SamlResponse response = new SamlResponse(settings, new HttpRequest(Fixtures.ACS, (String) null)
                    .addParameter("SAMLResponse", samlResponse));
            if (!response.isValid(REQUEST_ID)) {
                throw new IllegalStateException("java-saml refused the benchmark message: " + response.getError(),
                        response.getValidationException());
            }
            return response;
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("java-saml failed on the benchmark message: " + e, e);
        }
    }
}
