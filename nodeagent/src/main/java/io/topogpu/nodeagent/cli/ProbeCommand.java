package io.topogpu.nodeagent.cli;

import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.nodeagent.nvml.JnaNvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.parse.ParseResult;
import io.topogpu.topology.parse.TopoMatrixParser;
import io.topogpu.topology.parse.TopoParseException;
import io.topogpu.topology.render.ModelJson;
import io.topogpu.topology.render.TopologyTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topogpu probe}: one node's GPU topology, from a saved {@code nvidia-smi topo -m} capture
 * or from NVML, printed for people ({@code table}), scripts ({@code json}) or exactly as the node
 * agent publishes it ({@code annotation}). Parser warnings go to stderr; bad input exits 2.
 */
@Command(name = "probe", description = "Discover one node's GPU topology and print it.")
public final class ProbeCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;


  /** Output formats, by the name {@code --format} takes (case-insensitive). */
  enum Format {
    TABLE(TopologyTable::render),
    JSON(ModelJson::render),
    ANNOTATION(TopologyCodec::encode);

    private final Function<NodeTopology, String> renderer;

    Format(Function<NodeTopology, String> renderer) {
      this.renderer = renderer;
    }
  }

  static final class Source {
    @Option(names = "--from-topo", paramLabel = "FILE", required = true,
        description = "a saved `nvidia-smi topo -m` output")
    Path fromTopo;

    @Option(names = "--nvml-lib", paramLabel = "PATH", required = true,
        description = "libnvidia-ml.so to discover the GPUs of this machine through; default "
            + DEFAULT_NVML_LIB + " (the driver's, found by the dynamic linker)")
    Path nvmlLib;
  }

  /** NVML could not be initialised or failed (no driver, no library, lost GPU). */
  static final int EXIT_NVML_UNAVAILABLE = 3;

  /** Without a source option, probe runs the real discovery through the driver's library. */
  static final String DEFAULT_NVML_LIB = "libnvidia-ml.so.1";

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (for people), json (the model) or annotation (the node annotation value); default ${DEFAULT-VALUE}")
  Format format;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    NodeTopology topology;
    if (source != null && source.fromTopo != null) {
      Path file = source.fromTopo;
      try {
        ParseResult result = TopoMatrixParser.parseDetailed(Files.readString(file));
        result.warnings().forEach(w -> err.println("topogpu probe: " + file + ": warning: " + w));
        topology = result.topology();
      } catch (TopoParseException e) {
        return badInput(file + ": " + e.getMessage());
      } catch (NoSuchFileException e) {
        return badInput(file + ": no such file");
      } catch (CharacterCodingException e) {
        return badInput(file + ": not UTF-8 text");
      } catch (IOException e) {
        return badInput(file + ": cannot read: " + e.getMessage());
      }
    } else {
      try {
        topology = probeNvml(source == null ? Path.of(DEFAULT_NVML_LIB) : source.nvmlLib);
      } catch (NvmlException e) {
        return nvmlUnavailable(e);
      }
    }
    String text = format.renderer.apply(topology);
    spec.commandLine().getOut().print(text.endsWith("\n") ? text : text + "\n");
    spec.commandLine().getOut().flush();
    return NodeAgentMain.EXIT_OK;
  }

  /** Discovery through NVML at {@code lib}; NVML failures propagate as {@link NvmlException}. */
  NodeTopology probeNvml(Path lib) {
    Probe probe = NvmlDiscovery.probe(new JnaNvml(lib.toString()));
    probe.notes().forEach(n -> spec.commandLine().getErr().println("topogpu probe: note: " + n));
    return probe.topology();
  }

  private int nvmlUnavailable(NvmlException e) {
    spec.commandLine().getErr().println("topogpu probe: NVML unavailable: " + e.getMessage()
        + (e.code() == NvmlReturn.DRIVER_NOT_LOADED || e.code() == NvmlReturn.LIBRARY_NOT_FOUND
            ? " (is the NVIDIA driver installed and this a GPU node?)" : ""));
    return EXIT_NVML_UNAVAILABLE;
  }

  private int badInput(String message) {
    spec.commandLine().getErr().println("topogpu probe: " + message);
    return NodeAgentMain.EXIT_BAD_INPUT;
  }
}
