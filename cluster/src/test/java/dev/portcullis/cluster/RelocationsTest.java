package dev.portcullis.cluster;

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
 * The add-on is relocated exactly like the valve: the same relocation patterns, in the same order, in
 * this module's pom.xml and in valve/pom.xml (the first shade execution of each). A pattern added to the
 * valve and forgotten here would leave the clustered client calling classes the valve JAR no longer has
 * under that name. The only difference allowed is the add-on's list of class names the Terracotta server
 * knows (relocation excludes), which the valve JAR does not carry.
 */
class RelocationsTest {

    @Test
    void theClusterJarIsRelocatedWithTheValvesPatterns() throws Exception {
        List<String> valve = relocations(Path.of("..", "valve", "pom.xml"));
        List<String> cluster = relocations(Path.of("pom.xml"));

        assertThat(valve).as("valve/pom.xml relocations").isNotEmpty().contains("org.ehcache -> dev.portcullis.shaded.ehcache");
        assertThat(cluster).as("cluster/pom.xml relocations, pattern for pattern").isEqualTo(valve);
    }

    @Test
    void onlyNamesTheServerKnowsKeepTheirNames() throws Exception {
        List<String> excludes = new ArrayList<>();
        Element shade = firstShadeConfiguration(Path.of("pom.xml"));
        NodeList found = shade.getElementsByTagName("exclude");
        for (int i = 0; i < found.getLength(); i++) {
            Element exclude = (Element) found.item(i);
            if ("excludes".equals(((Element) exclude.getParentNode()).getTagName())
                    && "relocation".equals(((Element) exclude.getParentNode().getParentNode()).getTagName())) {
                excludes.add(exclude.getTextContent().strip());
            }
        }

        assertThat(excludes).containsExactlyInAnyOrder(
                "org.ehcache.clustered.client.internal.ClusterTierManagerClientEntity",
                "org.ehcache.clustered.client.internal.store.InternalClusterTierClientEntity",
                "org.ehcache.clustered.client.internal.lock.VoltronReadWriteLockClient",
                "org.ehcache.clustered.client.internal.lock.VoltronReadWriteLockClient$*",
                "org.ehcache.clustered.common.internal.exceptions.*",
                "org.terracotta.lease.LeaseAcquirer",
                "org.terracotta.dynamic_config.entity.topology.client.DynamicTopologyEntity",
                "org.terracotta.dynamic_config.entity.topology.client.DynamicTopologyEntity$*");
    }

    /** "pattern -> shadedPattern" of each relocation of the first shade execution, in order. */
    static List<String> relocations(Path pom) throws Exception {
        List<String> relocations = new ArrayList<>();
        NodeList all = firstShadeConfiguration(pom).getElementsByTagName("relocation");
        for (int i = 0; i < all.getLength(); i++) {
            Element relocation = (Element) all.item(i);
            relocations.add(text(relocation, "pattern") + " -> " + text(relocation, "shadedPattern"));
        }
        return relocations;
    }

    private static Element firstShadeConfiguration(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(pom.toFile());
        NodeList artifactIds = document.getElementsByTagName("artifactId");
        for (int i = 0; i < artifactIds.getLength(); i++) {
            Element artifactId = (Element) artifactIds.item(i);
            if ("maven-shade-plugin".equals(artifactId.getTextContent().strip())) {
                Element plugin = (Element) artifactId.getParentNode();
                Element execution = (Element) plugin.getElementsByTagName("execution").item(0);
                return (Element) execution.getElementsByTagName("configuration").item(0);
            }
        }
        throw new AssertionError("no maven-shade-plugin in " + pom);
    }

    private static String text(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
    }
}
