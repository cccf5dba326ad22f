package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The add-on is relocated like the valve: valve/pom.xml's relocation patterns, in the same order, then only the
 * patterns of what the add-on alone carries. A pattern added to the valve and forgotten here would leave the
 * add-on calling pac4j (or Log4j) by names the valve JAR no longer has.
 */
class RelocationsTest {

    @Test
    void theOidcJarIsRelocatedWithTheValvesPatternsThenItsOwn() throws Exception {
        List<String> valve = relocations(Path.of("..", "valve", "pom.xml"));
        List<String> oidc = relocations(Path.of("pom.xml"));

        assertThat(valve).contains("org.pac4j -> dev.portcullis.shaded.pac4j");
        assertThat(oidc.subList(0, valve.size())).as("the valve's patterns, pattern for pattern").isEqualTo(valve);
        assertThat(oidc.subList(valve.size(), oidc.size())).containsExactly(
                "com.nimbusds -> dev.portcullis.shaded.nimbusds",
                "net.minidev -> dev.portcullis.shaded.minidev",
                "org.objectweb.asm -> dev.portcullis.shaded.asm");
    }

    /** "pattern -> shadedPattern" of each relocation of the first shade execution, in order. */
    static List<String> relocations(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(pom.toFile());
        NodeList artifactIds = document.getElementsByTagName("artifactId");
        for (int i = 0; i < artifactIds.getLength(); i++) {
            Element artifactId = (Element) artifactIds.item(i);
            if ("maven-shade-plugin".equals(artifactId.getTextContent().strip())) {
                Element plugin = (Element) artifactId.getParentNode();
                Element execution = (Element) plugin.getElementsByTagName("execution").item(0);
                NodeList all = execution.getElementsByTagName("relocation");
                List<String> relocations = new ArrayList<>();
                for (int j = 0; j < all.getLength(); j++) {
                    Element relocation = (Element) all.item(j);
                    relocations.add(text(relocation, "pattern") + " -> " + text(relocation, "shadedPattern"));
                }
                return relocations;
            }
        }
        throw new AssertionError("no maven-shade-plugin in " + pom);
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().strip();
    }
}
