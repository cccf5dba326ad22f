package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import dev.portcullis.config.Setting;

/**
 * The annotated examples in conf/examples/ stay usable: each {@code <Valve>} of Portcullis names only
 * settings that exist, with values the valve accepts, and each IdP example says whether it was tested
 * here, citing the vendor documentation when it was not. A plain unit test: no server is started.
 */
class ConfExamplesTest {

    private static final Path EXAMPLES = Path.of(System.getProperty("portcullis.root", ".."), "conf", "examples");

    static Stream<Path> idpExamples() {
        return Stream.of("keycloak.xml", "simplesamlphp.xml", "okta.xml", "entra-id.xml", "google-workspace.xml", "adfs.xml")
                .map(EXAMPLES::resolve);
    }

    static Stream<Path> allExamples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            // Tomcat configuration only: the Log4j configurations (portcullis-log4j2-*.xml) hold no valve and are
            // checked by the valve's SyslogConfigurationTest and integration-tests' SyslogAuditIT.
            return files.filter(f -> f.toString().endsWith(".xml"))
                    .filter(f -> !f.getFileName().toString().startsWith("portcullis-log4j2-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("allExamples")
    void everyValveAttributeIsASettingWithAnAcceptedValue(Path example) throws Exception {
        List<Element> valves = portcullisValves(example);

        assertThat(valves).as(example.getFileName().toString()).isNotEmpty();
        for (Element valve : valves) {
            NamedNodeMap attributes = valve.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Node attribute = attributes.item(i);
                if (attribute.getNodeName().equals("className")) {
                    continue;
                }
                Setting setting = Setting.forAttribute(attribute.getNodeName()).orElse(null);
                assertThat(setting).as("%s: attribute %s", example.getFileName(), attribute.getNodeName()).isNotNull();
                assertThatCode(() -> setting.parse(attribute.getNodeValue()))
                        .as("%s: %s=\"%s\"", example.getFileName(), attribute.getNodeName(), attribute.getNodeValue())
                        .doesNotThrowAnyException();
            }
            assertThat(valve.hasAttribute("externalBaseUrl") && valve.hasAttribute("idpMetadata"))
                    .as("%s names the two required settings", example.getFileName()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("idpExamples")
    void saysWhetherItWasTestedHereAndCitesTheVendorWhenNot(Path example) throws IOException {
        String text = Files.readString(example);

        assertThat(text).containsAnyOf("TESTED HERE: yes", "TESTED HERE: no");
        if (text.contains("TESTED HERE: no")) {
            assertThat(text).as("cites the public documentation it follows").containsPattern("https://[a-z.]+\\.(com|google\\.com)/");
        }
    }

    private static List<Element> portcullisValves(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        NodeList all = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("Valve");
        List<Element> valves = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element valve = (Element) all.item(i);
            if ("dev.portcullis.SsoValve".equals(valve.getAttribute("className"))) {
                valves.add(valve);
            }
        }
        return valves;
    }
}
