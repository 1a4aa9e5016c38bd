# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_patchcycle_global_optspecs
    string join \n db= config= format= q/quiet v/verbose no-color no-pager y/yes actor= h/help V/version
end

function __fish_patchcycle_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_patchcycle_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_patchcycle_using_subcommand
    set -l cmd (__fish_patchcycle_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c patchcycle -n "__fish_patchcycle_needs_command" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_needs_command" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_needs_command" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_needs_command" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_needs_command" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -s V -l version -d 'Print version'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "init" -d 'Create the configuration file and the database (idempotent)'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "doctor" -d 'Check configuration, database and tools, and print what is wrong'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "host" -d 'Manage the inventory of hosts'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "group" -d 'Manage groups (rings): order, window, policy, contacts'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "calendar" -d 'Show each group\'s next maintenance windows'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "sync" -d 'Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "scan" -d 'Collect packages, kernels and pending updates from hosts and match the catalogue'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "findings" -d 'List current findings (each host\'s latest scan), with filters and a CI gate'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "explain" -d 'Explain why a host is, or is not, affected by an advisory'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "exception" -d 'Manage exceptions: scoped risk acceptance with an expiry date'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "cycle" -d 'Monthly cycles: freeze the patch set, follow each ring, close'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "test" -d 'Put the cycle\'s patch set on the pilot ring, check health, record the result'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "approve" -d 'Record a CAB decision for a group (gated by the lower rings)'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "deploy" -d 'Put the approved patches on a group: windows, waves, snapshots, health, halt'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "rollback" -d 'Put a deployment\'s hosts back to their versions before it'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "note" -d 'Knowledge base: notes on advisories and packages'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "advisory" -d 'Look up advisories in the catalogue'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "report" -d 'Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "audit" -d 'Read, verify and export the hash-chained audit log'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "vercmp" -d 'Compare package versions exactly as dpkg, rpm or apk do'
complete -c patchcycle -n "__fish_patchcycle_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand init" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "add" -d 'Add a host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "list" -d 'List hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "ls" -d 'List hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "show" -d 'Show one host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "set" -d 'Change a host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "rm" -d 'Remove hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "import" -d 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "defer" -d 'Leave a host out of deployments until a date (within the group\'s max_deferral_days)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and not __fish_seen_subcommand_from add list ls show set rm import defer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -s g -l group -d 'Group (ring) the host belongs to' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -s t -l tag -d 'Tag (repeat, or separate with commas)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l notes -d 'Free-form notes' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l ecosystem -d 'OS and release, so `sync` covers it before the first scan (Debian:12, Ubuntu:24.04:LTS, AlmaLinux:9, Rocky Linux:9, Alpine:v3.20); a scan replaces it' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l platform -d 'What the host runs: `scan` sends a Windows host the PowerShell collector' -r -f -a "posix\t'Linux and other POSIX systems (the `sh` collector)'
windows\t'Windows with its OpenSSH server (the PowerShell collector)'"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -s g -l group -d 'Only hosts of this group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -s t -l tag -d 'Only hosts with this tag' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -s g -l group -d 'Only hosts of this group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -s t -l tag -d 'Only hosts with this tag' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l destination -d 'New SSH destination' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -s g -l group -d 'Move to this group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l add-tag -d 'Add a tag (repeat, or separate with commas)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l rm-tag -d 'Remove a tag (repeat, or separate with commas)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l notes -d 'Replace the notes ("" clears them)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l ecosystem -d 'Declare the OS and release (Debian:12, AlmaLinux:9, …); a scan replaces it' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l platform -d 'What the host runs (posix or windows): which collector `scan` sends' -r -f -a "posix\t'Linux and other POSIX systems (the `sh` collector)'
windows\t'Windows with its OpenSSH server (the PowerShell collector)'"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l no-group -d 'Take the host out of its group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l type -d 'File format [default: from the extension (.csv, .toml, .ini/.cfg = Ansible INI), else recognised from the content (a CSV header, a TOML [[hosts]] table, INI sections)]' -r -f -a "csv\t''
toml\t''
ini\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -s g -l group -d 'Group for hosts that name none of the existing groups' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l dry-run -d 'Print what would change and write nothing'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l until -d 'Until when: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l reason -d 'Why (recorded in the audit log)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l clear -d 'End the deferral now'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from defer" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "list" -d 'List hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "import" -d 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "defer" -d 'Leave a host out of deployments until a date (within the group\'s max_deferral_days)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "add" -d 'Add a group (ring)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "list" -d 'List groups in ring order'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "ls" -d 'List groups in ring order'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "show" -d 'Show one group with its policy'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "set" -d 'Change a group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "rm" -d 'Remove a group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and not __fish_seen_subcommand_from add list ls show set rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l order -d 'Ring order: 0 = pilot, then test, production, …; lower rings go first' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l stakeholder -d 'Who owns the service (for reports and CAB)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l admin -d 'Admin contact' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l window -d 'Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00", "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone defaults to UTC; "" clears it)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l policy-file -d 'Replace the policy with this TOML file' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l set -d 'Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3, reboot="never", sla_days.critical=3, auto_approve=["kev"]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l order -d 'Ring order: 0 = pilot, then test, production, …; lower rings go first' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l stakeholder -d 'Who owns the service (for reports and CAB)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l admin -d 'Admin contact' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l window -d 'Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00", "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone defaults to UTC; "" clears it)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l policy-file -d 'Replace the policy with this TOML file' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l set -d 'Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3, reboot="never", sla_days.critical=3, auto_approve=["kev"]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l move-to -d 'Move the group\'s hosts to this group first' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a group (ring)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'List groups in ring order'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one group with its policy'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l group -d 'Only this group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l count -d 'Windows to show per group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l ics -d 'Print an iCalendar (RFC 5545) file instead of a list'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand calendar" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l from -d 'Read every source from this directory instead of the network (air gap)' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l mirror -d 'Read every source from this base URL (http, https or file://) instead' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l export -d 'Write the raw files held to DIR, in the layout --from reads, and sync nothing' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l status -d 'Show each source\'s last sync, record counts and warnings, and sync nothing'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l allow-shrink -d 'Import a feed even if it removes more than [sync] max_shrink of what a source holds, or all of it (audited)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand sync" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -s g -l group -d 'Scan every host of this group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l import -d 'Read saved collector output instead of connecting (needs --host)' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l host -d 'The host that --import, --local or --image is for' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l image -d 'Scan a container image: a `docker save` archive or an OCI image layout (a tar or a directory), recorded as a host of kind image' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l platform -d 'With --image: which image of a multi-platform index (os/arch[/variant], e.g. linux/arm64/v8). With --print-script: which collector, posix or windows' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l root -d 'With --local: collect from this root directory (a mounted disk, chroot or unpacked container image) instead of the running system (needs --host)' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l parallel -d 'Hosts scanned at once' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l timeout -d 'Seconds allowed per host' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l fail-on -d 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr' -r -f -a "any\t'Any open finding (a pending security update or an advisory, rated or not)'
critical\t'An open finding at or above critical, or in CISA KEV'
high\t'An open finding at or above high, or in CISA KEV'
medium\t'An open finding at or above medium, or in CISA KEV'
low\t'An open finding at or above low, or in CISA KEV'
kev\t'An open finding in CISA KEV (and a KEV catalogue that is missing or stale)'
sla\t'An open finding past its SLA or KEV due date'
reboot\t'A host that needs a reboot'
unknown\t'A host patchcycle cannot judge (never scanned, stale scan or catalogue)'"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l all -d 'Scan every host in the inventory'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l local -d 'Scan this machine (no ssh); it is added to the inventory if missing'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l refresh -d 'Update the hosts\' package lists first (apt-get update, dnf/yum makecache, apk update)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l full -d 'Collect every host in full, even one whose package state is unchanged since its last full scan (see [scan] full_every)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l no-persist -d 'Close the ssh connections this scan used when it ends, whatever `[ssh] persist` says (as `persist = "off"`)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l allow-stale -d 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l print-script -d 'Print the collector script and exit: the POSIX one, or the PowerShell one with --platform windows or --host naming a Windows host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l host -d 'Only this host' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -s g -l group -d 'Only hosts of this group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l severity -d 'Only findings at or above this severity (CISA KEV findings stay listed: known exploitation outranks any rating)' -r -f -a "critical\t''
high\t''
medium\t''
low\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l epss-above -d 'Only findings whose highest EPSS score is above this (0 to 1)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -s p -l package -d 'Only this package (binary or source name)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l advisory -d 'Only findings naming this advisory or CVE' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l sort -d 'Order of the list' -r -f -a "risk\t'Worst first: CISA KEV, then severity, then EPSS'
kev\t''
epss\t''
host\t''
package\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l since -d 'Only what was first seen after this time: findings, or advisories a finding gained (a day YYYY-MM-DD, a span such as 7d, or an RFC 3339 time)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l fail-on -d 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr' -r -f -a "any\t'Any open finding (a pending security update or an advisory, rated or not)'
critical\t'An open finding at or above critical, or in CISA KEV'
high\t'An open finding at or above high, or in CISA KEV'
medium\t'An open finding at or above medium, or in CISA KEV'
low\t'An open finding at or above low, or in CISA KEV'
kev\t'An open finding in CISA KEV (and a KEV catalogue that is missing or stale)'
sla\t'An open finding past its SLA or KEV due date'
reboot\t'A host that needs a reboot'
unknown\t'A host patchcycle cannot judge (never scanned, stale scan or catalogue)'"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l kev -d 'Only findings with a CISA KEV CVE'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l all -d 'Include findings hidden by exceptions'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l new -d 'Only what each host\'s previous good scan did not have: new findings, and findings that gained advisories (listed with those)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l allow-stale -d 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand findings" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand explain" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "add" -d 'Accept a risk until a date: hides matching findings from gates and counts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "list" -d 'List exceptions, active and expired'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "ls" -d 'List exceptions, active and expired'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "rm" -d 'Remove an exception'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "export" -d 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "import" -d 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and not __fish_seen_subcommand_from add list ls rm export import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l advisory -d 'Advisory id or CVE the exception covers' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l package -d 'Package (binary or source name)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l host -d 'Host' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l group -d 'Group' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l reason -d 'Why the risk is accepted (recorded in the audit log)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l expires -d 'Until when the exception applies: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time; at most a year ahead' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l vex-justification -d 'Why the finding does not apply, in OpenVEX\'s words: exported as a not_affected statement with this justification; without it, as affected (risk accepted)' -r -f -a "component_not_present\t''
vulnerable_code_not_present\t''
vulnerable_code_not_in_execute_path\t''
vulnerable_code_cannot_be_controlled_by_adversary\t''
inline_mitigations_already_exist\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l author -d 'The document\'s author (default: the actor)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE (atomically) instead of stdout' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l format -d 'Output format' -r -f -a "openvex\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l skip-without-advisory -d 'Leave out active exceptions that name no advisory (each named in a warning) instead of refusing the export'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l expires -d 'Expiry of the statements whose status_notes carry none ("patchcycle: expires TIME"): a last day, a span (30d) or an RFC 3339 time; at most a year ahead' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from help" -f -a "add" -d 'Accept a risk until a date: hides matching findings from gates and counts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from help" -f -a "list" -d 'List exceptions, active and expired'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove an exception'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from help" -f -a "import" -d 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand exception; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "start" -d 'Start a cycle: freeze this month\'s patch set from the latest scans'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "status" -d 'Show each group\'s state in the cycle and what blocks its next step'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "show" -d 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "list" -d 'List cycles'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "ls" -d 'List cycles'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "close" -d 'Close a cycle (refused while approved groups are not deployed)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and not __fish_seen_subcommand_from start status show list ls close help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l cutoff -d 'Cutoff date (YYYY-MM-DD) [default: Patch Tuesday of the month]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l allow-stale -d 'Freeze the patch set although scans or the catalogue are older than the policy\'s max_scan_age / max_feed_age (audited with the hosts concerned)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
markdown\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l cleanup -d 'Then remove what rollback would need: kept packages on the hosts and the snapshots of the cycle\'s deployments (no rollback is possible afterwards)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from close" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start a cycle: freeze this month\'s patch set from the latest scans'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show each group\'s state in the cycle and what blocks its next step'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from help" -f -a "list" -d 'List cycles'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from help" -f -a "close" -d 'Close a cycle (refused while approved groups are not deployed)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand cycle; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -s g -l group -d 'The pilot group [default: the lowest ring that holds hosts]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l cycle -d 'Cycle [default: the open cycle]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l reason -d 'Why the window is overridden' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l engine -d 'Who runs the steps on the hosts: patchcycle\'s own SSH pool, or ansible-playbook (a generated inventory and playbook per wave; progress saved per wave)' -r -f -a "builtin\t''
ansible\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l parallel -d 'Hosts at once [default: the group\'s max_parallel]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l dry-run -d 'Print the plan per host (packages from → to, snapshot, reboot, checks, window) and change nothing; a deploy not yet approved is previewed with the whole patch set, marked "preview: not approved"'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l resume -d 'Continue the group\'s interrupted or halted deployment; finished hosts are not touched again'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l now -d 'Run outside the maintenance window (audited); needs --reason'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l no-rollback -d 'Patch hosts even where no rollback packages and no snapshot can be had (audited)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l status -d 'Show the pilot\'s result and soak instead of testing'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand test" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -s g -l group -d 'The group (ring) the decision is for' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l cycle -d 'Cycle [default: the open cycle]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l decision -d 'The decision' -r -f -a "approve\t''
decline\t''
defer\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l advisory -d 'Only patches naming this advisory or CVE (repeatable)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l package -d 'Only these packages (repeatable)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l severity -d 'Only patches at or above this severity' -r -f -a "critical\t''
high\t''
medium\t''
low\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l change -d 'Change reference (CAB ticket)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l comment -d 'Free comment' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l expires -d 'Until when the approval is valid: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l reason -d 'Why the emergency lane is used' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l auto -d 'For cron: approve, in every group whose policy has auto_approve classes or approve_rules, the patches whose rule is due (its `after` counted from the cycle\'s start) once the gate is open (never through the emergency lane)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l kev -d 'Only patches with a CISA KEV CVE'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l emergency -d 'Bypass the ring gate (audited and flagged in reports; not four eyes); needs --reason'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l allow-stale -d 'Approve although the group\'s scans or the catalogue are older than the policy\'s max_scan_age / max_feed_age (audited with the hosts concerned)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand approve" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -s g -l group -d 'The group (ring) to deploy' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l cycle -d 'Cycle [default: the open cycle]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l reason -d 'Why the window is overridden' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l engine -d 'Who runs the steps on the hosts: patchcycle\'s own SSH pool, or ansible-playbook (a generated inventory and playbook per wave; progress saved per wave)' -r -f -a "builtin\t''
ansible\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l parallel -d 'Hosts at once [default: the group\'s max_parallel]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l dry-run -d 'Print the plan per host (packages from → to, snapshot, reboot, checks, window) and change nothing; a deploy not yet approved is previewed with the whole patch set, marked "preview: not approved"'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l resume -d 'Continue the group\'s interrupted or halted deployment; finished hosts are not touched again'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l now -d 'Run outside the maintenance window (audited); needs --reason'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l no-rollback -d 'Patch hosts even where no rollback packages and no snapshot can be had (audited)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l list -d 'List deployments (of --group, or all) instead'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand deploy" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l host -d 'Only these hosts (repeatable) [default: every host the deployment changed]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l method -d 'How to go back' -r -f -a "auto\t'Kept packages when there are some, else the snapshot'
packages\t'Reinstall the kept packages'
snapshot\t'Revert the snapshot'"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -f -a "add" -d 'Add a note on an advisory or a package'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -f -a "list" -d 'List notes'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -f -a "ls" -d 'List notes'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and not __fish_seen_subcommand_from add list ls help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l advisory -d 'The advisory or CVE the note is about' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l package -d 'The package the note is about' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l advisory -d 'Only notes on this advisory or CVE' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l package -d 'Only notes on this package' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l advisory -d 'Only notes on this advisory or CVE' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l package -d 'Only notes on this package' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a note on an advisory or a package'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from help" -f -a "list" -d 'List notes'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand note; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -f -a "show" -d 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -f -a "search" -d 'Search the catalogue; with --version, say whether that version is affected'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and not __fish_seen_subcommand_from show search help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -s p -l package -d 'Package name (for Debian and Ubuntu: the source package)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -s e -l ecosystem -d 'Ecosystem with release (AlmaLinux:9, Debian:12) or without (AlmaLinux), any case' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l version -d 'A package version to check against each advisory\'s ranges (needs --ecosystem)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from help" -f -a "search" -d 'Search the catalogue; with --version, say whether that version is affected'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand advisory; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l cycle -d 'Cycle [default: the open cycle, else the newest]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l fail-on -d 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr' -r -f -a "any\t'Any open finding (a pending security update or an advisory, rated or not)'
critical\t'An open finding at or above critical, or in CISA KEV'
high\t'An open finding at or above high, or in CISA KEV'
medium\t'An open finding at or above medium, or in CISA KEV'
low\t'An open finding at or above low, or in CISA KEV'
kev\t'An open finding in CISA KEV (and a KEV catalogue that is missing or stale)'
sla\t'An open finding past its SLA or KEV due date'
reboot\t'A host that needs a reboot'
unknown\t'A host patchcycle cannot judge (never scanned, stale scan or catalogue)'"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -s o -l output -d 'Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l threshold -d 'Compliance: a host with an open finding at or above this (or in KEV) is not compliant' -r -f -a "critical\t''
high\t''
medium\t''
low\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l expiring-days -d 'List exceptions expiring within this many days' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l trend-cycles -d 'Cycles in the trend (html and json): the selected cycle and those before it; 0: none' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l now -d 'Fix the report\'s clock: a day (its start in the configured time_zone), a span back (7d) or an RFC 3339 time; also PATCHCYCLE_NOW' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
junit\t''
sarif\t''
markdown\t''
html\t''
prometheus\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l allow-stale -d 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -f -a "list" -d 'List audit rows, oldest first'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -f -a "ls" -d 'List audit rows, oldest first'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -f -a "verify" -d 'Recompute the hash chain; exit 1 and name the first bad row when broken'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -f -a "anchor" -d 'Record the chain\'s head outside the database, for `audit verify --anchor`'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -f -a "export" -d 'Export rows with the chain\'s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and not __fish_seen_subcommand_from list ls verify anchor export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l action -d 'Only this action, or a family of them (`host` matches host.add, host.rm, …)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l object -d 'Only rows about this object (host, group, …)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -s n -l limit -d 'Only the newest N rows' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l since -d 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l action -d 'Only this action, or a family of them (`host` matches host.add, host.rm, …)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l object -d 'Only rows about this object (host, group, …)' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -s n -l limit -d 'Only the newest N rows' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l anchor -d 'Also compare the chain with the anchors of this file (made by `audit anchor`; each line\'s MAC is checked with --key) [default FILE: <db>.audit-anchors]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l head -d 'Also compare the chain with a head printed by `audit anchor --print` and kept elsewhere (ROW:HASH); repeatable' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l key -d 'The key file that signed the anchors [default: <db>.audit-key]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -s o -l output -d 'Append the anchor to this file [default: <db>.audit-anchors]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l key -d 'The HMAC key file, created (mode 0600, 32 random bytes) when missing; refused when group or others may access it [default: <db>.audit-key]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l print -d 'Print the head (ROW:HASH) on stdout for an external store instead of writing a file; check it later with `audit verify --head ROW:HASH`'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from anchor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l since -d 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE (atomically) instead of stdout' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l format -d 'Output format' -r -f -a "json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit rows, oldest first'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Recompute the hash chain; exit 1 and name the first bad row when broken'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "anchor" -d 'Record the chain\'s head outside the database, for `audit verify --anchor`'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export rows with the chain\'s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l db -d 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]' -r -F
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l actor -d 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]' -r
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l stdin -d 'Read lines `A B` from standard input and print `<`, `=` or `>` for each'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -s q -l quiet -d 'Print nothing but data and errors'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -s v -l verbose -d 'Say more about what is done (repeat for more)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -l no-pager -d 'Never page long output on a terminal (PAGER, default less -FRX)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -s y -l yes -d 'Answer yes to every confirmation; required where no terminal can ask'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand vercmp" -s h -l help -d 'Print help'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "init" -d 'Create the configuration file and the database (idempotent)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "doctor" -d 'Check configuration, database and tools, and print what is wrong'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "host" -d 'Manage the inventory of hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "group" -d 'Manage groups (rings): order, window, policy, contacts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "calendar" -d 'Show each group\'s next maintenance windows'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "sync" -d 'Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "scan" -d 'Collect packages, kernels and pending updates from hosts and match the catalogue'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "findings" -d 'List current findings (each host\'s latest scan), with filters and a CI gate'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "explain" -d 'Explain why a host is, or is not, affected by an advisory'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "exception" -d 'Manage exceptions: scoped risk acceptance with an expiry date'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "cycle" -d 'Monthly cycles: freeze the patch set, follow each ring, close'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "test" -d 'Put the cycle\'s patch set on the pilot ring, check health, record the result'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "approve" -d 'Record a CAB decision for a group (gated by the lower rings)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "deploy" -d 'Put the approved patches on a group: windows, waves, snapshots, health, halt'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "rollback" -d 'Put a deployment\'s hosts back to their versions before it'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "note" -d 'Knowledge base: notes on advisories and packages'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "advisory" -d 'Look up advisories in the catalogue'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "report" -d 'Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "audit" -d 'Read, verify and export the hash-chained audit log'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "vercmp" -d 'Compare package versions exactly as dpkg, rpm or apk do'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and not __fish_seen_subcommand_from init doctor host group calendar sync scan findings explain exception cycle test approve deploy rollback note advisory report audit vercmp help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "add" -d 'Add a host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "list" -d 'List hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "show" -d 'Show one host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "set" -d 'Change a host'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "rm" -d 'Remove hosts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "import" -d 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "defer" -d 'Leave a host out of deployments until a date (within the group\'s max_deferral_days)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add" -d 'Add a group (ring)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'List groups in ring order'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "show" -d 'Show one group with its policy'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "set" -d 'Change a group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "rm" -d 'Remove a group'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from exception" -f -a "add" -d 'Accept a risk until a date: hides matching findings from gates and counts'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from exception" -f -a "list" -d 'List exceptions, active and expired'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from exception" -f -a "rm" -d 'Remove an exception'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from exception" -f -a "export" -d 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from exception" -f -a "import" -d 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from cycle" -f -a "start" -d 'Start a cycle: freeze this month\'s patch set from the latest scans'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from cycle" -f -a "status" -d 'Show each group\'s state in the cycle and what blocks its next step'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from cycle" -f -a "show" -d 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from cycle" -f -a "list" -d 'List cycles'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from cycle" -f -a "close" -d 'Close a cycle (refused while approved groups are not deployed)'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from note" -f -a "add" -d 'Add a note on an advisory or a package'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from note" -f -a "list" -d 'List notes'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from advisory" -f -a "show" -d 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from advisory" -f -a "search" -d 'Search the catalogue; with --version, say whether that version is affected'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit rows, oldest first'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Recompute the hash chain; exit 1 and name the first bad row when broken'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "anchor" -d 'Record the chain\'s head outside the database, for `audit verify --anchor`'
complete -c patchcycle -n "__fish_patchcycle_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "export" -d 'Export rows with the chain\'s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)'
