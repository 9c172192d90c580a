import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador confirm FILE`: declares a held-back roster snapshot's drop real.
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Release a roster file that load held back because it drops too much of the workforce at once.",
        discussion: "Load holds a roster snapshot back (the file fails, exit 65) when more than validation.max_roster_drop (default 20%) of the employees active in the snapshot before it are missing — a truncated export would otherwise make them all leavers. If the drop is real, confirm the file, then load again.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The held roster file, as the load message names it.", valueName: "file"))
    var file: String

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            let config = try common.loadConfig()
            FileDescriptorWriter.standardOutput.write(try RosterConfirmation.confirm(config: config, path: file, now: Clock.nowUTC()) + "\n")
            return 0
        }
    }
}
