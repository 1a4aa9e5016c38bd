
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'patchcycle' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'patchcycle'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'patchcycle' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the configuration file and the database (idempotent)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check configuration, database and tools, and print what is wrong')
            [CompletionResult]::new('host', 'host', [CompletionResultType]::ParameterValue, 'Manage the inventory of hosts')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage groups (rings): order, window, policy, contacts')
            [CompletionResult]::new('calendar', 'calendar', [CompletionResultType]::ParameterValue, 'Show each group''s next maintenance windows')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Collect packages, kernels and pending updates from hosts and match the catalogue')
            [CompletionResult]::new('findings', 'findings', [CompletionResultType]::ParameterValue, 'List current findings (each host''s latest scan), with filters and a CI gate')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain why a host is, or is not, affected by an advisory')
            [CompletionResult]::new('exception', 'exception', [CompletionResultType]::ParameterValue, 'Manage exceptions: scoped risk acceptance with an expiry date')
            [CompletionResult]::new('cycle', 'cycle', [CompletionResultType]::ParameterValue, 'Monthly cycles: freeze the patch set, follow each ring, close')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Put the cycle''s patch set on the pilot ring, check health, record the result')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Record a CAB decision for a group (gated by the lower rings)')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Put the approved patches on a group: windows, waves, snapshots, health, halt')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Put a deployment''s hosts back to their versions before it')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Knowledge base: notes on advisories and packages')
            [CompletionResult]::new('advisory', 'advisory', [CompletionResultType]::ParameterValue, 'Look up advisories in the catalogue')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read, verify and export the hash-chained audit log')
            [CompletionResult]::new('vercmp', 'vercmp', [CompletionResultType]::ParameterValue, 'Compare package versions exactly as dpkg, rpm or apk do')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;init' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;doctor' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a host')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List hosts')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List hosts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one host')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a host')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove hosts')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)')
            [CompletionResult]::new('defer', 'defer', [CompletionResultType]::ParameterValue, 'Leave a host out of deployments until a date (within the group''s max_deferral_days)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;host;add' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Group (ring) the host belongs to')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group (ring) the host belongs to')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Tag (repeat, or separate with commas)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag (repeat, or separate with commas)')
            [CompletionResult]::new('--notes', '--notes', [CompletionResultType]::ParameterName, 'Free-form notes')
            [CompletionResult]::new('--ecosystem', '--ecosystem', [CompletionResultType]::ParameterName, 'OS and release, so `sync` covers it before the first scan (Debian:12, Ubuntu:24.04:LTS, AlmaLinux:9, Rocky Linux:9, Alpine:v3.20); a scan replaces it')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'What the host runs: `scan` sends a Windows host the PowerShell collector')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;host;list' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Only hosts of this group')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only hosts of this group')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only hosts with this tag')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only hosts with this tag')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host;ls' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Only hosts of this group')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only hosts of this group')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only hosts with this tag')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only hosts with this tag')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host;set' {
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'New SSH destination')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Move to this group')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Move to this group')
            [CompletionResult]::new('--add-tag', '--add-tag', [CompletionResultType]::ParameterName, 'Add a tag (repeat, or separate with commas)')
            [CompletionResult]::new('--rm-tag', '--rm-tag', [CompletionResultType]::ParameterName, 'Remove a tag (repeat, or separate with commas)')
            [CompletionResult]::new('--notes', '--notes', [CompletionResultType]::ParameterName, 'Replace the notes ("" clears them)')
            [CompletionResult]::new('--ecosystem', '--ecosystem', [CompletionResultType]::ParameterName, 'Declare the OS and release (Debian:12, AlmaLinux:9, …); a scan replaces it')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'What the host runs (posix or windows): which collector `scan` sends')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--no-group', '--no-group', [CompletionResultType]::ParameterName, 'Take the host out of its group')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;host;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host;import' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'File format [default: from the extension (.csv, .toml, .ini/.cfg = Ansible INI), else recognised from the content (a CSV header, a TOML [[hosts]] table, INI sections)]')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Group for hosts that name none of the existing groups')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group for hosts that name none of the existing groups')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change and write nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host;defer' {
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until when: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the audit log)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'End the deferral now')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;host;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a host')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List hosts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one host')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a host')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove hosts')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)')
            [CompletionResult]::new('defer', 'defer', [CompletionResultType]::ParameterValue, 'Leave a host out of deployments until a date (within the group''s max_deferral_days)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;host;help;add' {
            break
        }
        'patchcycle;host;help;list' {
            break
        }
        'patchcycle;host;help;show' {
            break
        }
        'patchcycle;host;help;set' {
            break
        }
        'patchcycle;host;help;rm' {
            break
        }
        'patchcycle;host;help;import' {
            break
        }
        'patchcycle;host;help;defer' {
            break
        }
        'patchcycle;host;help;help' {
            break
        }
        'patchcycle;group' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a group (ring)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups in ring order')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List groups in ring order')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one group with its policy')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a group')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;group;add' {
            [CompletionResult]::new('--order', '--order', [CompletionResultType]::ParameterName, 'Ring order: 0 = pilot, then test, production, …; lower rings go first')
            [CompletionResult]::new('--stakeholder', '--stakeholder', [CompletionResultType]::ParameterName, 'Who owns the service (for reports and CAB)')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'Admin contact')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00", "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone defaults to UTC; "" clears it)')
            [CompletionResult]::new('--policy-file', '--policy-file', [CompletionResultType]::ParameterName, 'Replace the policy with this TOML file')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3, reboot="never", sla_days.critical=3, auto_approve=["kev"]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;group;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;group;ls' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;group;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;group;set' {
            [CompletionResult]::new('--order', '--order', [CompletionResultType]::ParameterName, 'Ring order: 0 = pilot, then test, production, …; lower rings go first')
            [CompletionResult]::new('--stakeholder', '--stakeholder', [CompletionResultType]::ParameterName, 'Who owns the service (for reports and CAB)')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'Admin contact')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Maintenance window: "Patch Tuesday +2d 22:00-02:00 Europe/Berlin", "Sat 01:00-05:00", "daily 23:00-01:00 UTC", "RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2 22:00 4h" (zone defaults to UTC; "" clears it)')
            [CompletionResult]::new('--policy-file', '--policy-file', [CompletionResultType]::ParameterName, 'Replace the policy with this TOML file')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one policy key, VALUE in TOML syntax (repeatable): max_parallel=3, reboot="never", sla_days.critical=3, auto_approve=["kev"]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;group;rm' {
            [CompletionResult]::new('--move-to', '--move-to', [CompletionResultType]::ParameterName, 'Move the group''s hosts to this group first')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;group;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a group (ring)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups in ring order')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one group with its policy')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a group')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;group;help;add' {
            break
        }
        'patchcycle;group;help;list' {
            break
        }
        'patchcycle;group;help;show' {
            break
        }
        'patchcycle;group;help;set' {
            break
        }
        'patchcycle;group;help;rm' {
            break
        }
        'patchcycle;group;help;help' {
            break
        }
        'patchcycle;calendar' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only this group')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Windows to show per group')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--ics', '--ics', [CompletionResultType]::ParameterName, 'Print an iCalendar (RFC 5545) file instead of a list')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;sync' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read every source from this directory instead of the network (air gap)')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Read every source from this base URL (http, https or file://) instead')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Write the raw files held to DIR, in the layout --from reads, and sync nothing')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Show each source''s last sync, record counts and warnings, and sync nothing')
            [CompletionResult]::new('--allow-shrink', '--allow-shrink', [CompletionResultType]::ParameterName, 'Import a feed even if it removes more than [sync] max_shrink of what a source holds, or all of it (audited)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;scan' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Scan every host of this group')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Scan every host of this group')
            [CompletionResult]::new('--import', '--import', [CompletionResultType]::ParameterName, 'Read saved collector output instead of connecting (needs --host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The host that --import, --local or --image is for')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Scan a container image: a `docker save` archive or an OCI image layout (a tar or a directory), recorded as a host of kind image')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'With --image: which image of a multi-platform index (os/arch[/variant], e.g. linux/arm64/v8). With --print-script: which collector, posix or windows')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'With --local: collect from this root directory (a mounted disk, chroot or unpacked container image) instead of the running system (needs --host)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Hosts scanned at once')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed per host')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Scan every host in the inventory')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Scan this machine (no ssh); it is added to the inventory if missing')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Update the hosts'' package lists first (apt-get update, dnf/yum makecache, apk update)')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Collect every host in full, even one whose package state is unchanged since its last full scan (see [scan] full_every)')
            [CompletionResult]::new('--no-persist', '--no-persist', [CompletionResultType]::ParameterName, 'Close the ssh connections this scan used when it ends, whatever `[ssh] persist` says (as `persist = "off"`)')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)')
            [CompletionResult]::new('--print-script', '--print-script', [CompletionResultType]::ParameterName, 'Print the collector script and exit: the POSIX one, or the PowerShell one with --platform windows or --host naming a Windows host')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;findings' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Only this host')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Only hosts of this group')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only hosts of this group')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Only findings at or above this severity (CISA KEV findings stay listed: known exploitation outranks any rating)')
            [CompletionResult]::new('--epss-above', '--epss-above', [CompletionResultType]::ParameterName, 'Only findings whose highest EPSS score is above this (0 to 1)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this package (binary or source name)')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Only this package (binary or source name)')
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'Only findings naming this advisory or CVE')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the list')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only what was first seen after this time: findings, or advisories a finding gained (a day YYYY-MM-DD, a span such as 7d, or an RFC 3339 time)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--kev', '--kev', [CompletionResultType]::ParameterName, 'Only findings with a CISA KEV CVE')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include findings hidden by exceptions')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'Only what each host''s previous good scan did not have: new findings, and findings that gained advisories (listed with those)')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;explain' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Accept a risk until a date: hides matching findings from gates and counts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List exceptions, active and expired')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List exceptions, active and expired')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove an exception')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;exception;add' {
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'Advisory id or CVE the exception covers')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Package (binary or source name)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the risk is accepted (recorded in the audit log)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Until when the exception applies: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time; at most a year ahead')
            [CompletionResult]::new('--vex-justification', '--vex-justification', [CompletionResultType]::ParameterName, 'Why the finding does not apply, in OpenVEX''s words: exported as a not_affected statement with this justification; without it, as affected (risk accepted)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception;ls' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception;export' {
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'The document''s author (default: the actor)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--skip-without-advisory', '--skip-without-advisory', [CompletionResultType]::ParameterName, 'Leave out active exceptions that name no advisory (each named in a warning) instead of refusing the export')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception;import' {
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Expiry of the statements whose status_notes carry none ("patchcycle: expires TIME"): a last day, a span (30d) or an RFC 3339 time; at most a year ahead')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;exception;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Accept a risk until a date: hides matching findings from gates and counts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List exceptions, active and expired')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove an exception')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;exception;help;add' {
            break
        }
        'patchcycle;exception;help;list' {
            break
        }
        'patchcycle;exception;help;rm' {
            break
        }
        'patchcycle;exception;help;export' {
            break
        }
        'patchcycle;exception;help;import' {
            break
        }
        'patchcycle;exception;help;help' {
            break
        }
        'patchcycle;cycle' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a cycle: freeze this month''s patch set from the latest scans')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each group''s state in the cycle and what blocks its next step')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cycles')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List cycles')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a cycle (refused while approved groups are not deployed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;cycle;start' {
            [CompletionResult]::new('--cutoff', '--cutoff', [CompletionResultType]::ParameterName, 'Cutoff date (YYYY-MM-DD) [default: Patch Tuesday of the month]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Freeze the patch set although scans or the catalogue are older than the policy''s max_scan_age / max_feed_age (audited with the hosts concerned)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;cycle;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;cycle;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;cycle;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;cycle;ls' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;cycle;close' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--cleanup', '--cleanup', [CompletionResultType]::ParameterName, 'Then remove what rollback would need: kept packages on the hosts and the snapshots of the cycle''s deployments (no rollback is possible afterwards)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;cycle;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a cycle: freeze this month''s patch set from the latest scans')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each group''s state in the cycle and what blocks its next step')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cycles')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a cycle (refused while approved groups are not deployed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;cycle;help;start' {
            break
        }
        'patchcycle;cycle;help;status' {
            break
        }
        'patchcycle;cycle;help;show' {
            break
        }
        'patchcycle;cycle;help;list' {
            break
        }
        'patchcycle;cycle;help;close' {
            break
        }
        'patchcycle;cycle;help;help' {
            break
        }
        'patchcycle;test' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'The pilot group [default: the lowest ring that holds hosts]')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The pilot group [default: the lowest ring that holds hosts]')
            [CompletionResult]::new('--cycle', '--cycle', [CompletionResultType]::ParameterName, 'Cycle [default: the open cycle]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the window is overridden')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Who runs the steps on the hosts: patchcycle''s own SSH pool, or ansible-playbook (a generated inventory and playbook per wave; progress saved per wave)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Hosts at once [default: the group''s max_parallel]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan per host (packages from → to, snapshot, reboot, checks, window) and change nothing; a deploy not yet approved is previewed with the whole patch set, marked "preview: not approved"')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue the group''s interrupted or halted deployment; finished hosts are not touched again')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Run outside the maintenance window (audited); needs --reason')
            [CompletionResult]::new('--no-rollback', '--no-rollback', [CompletionResultType]::ParameterName, 'Patch hosts even where no rollback packages and no snapshot can be had (audited)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Show the pilot''s result and soak instead of testing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;approve' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'The group (ring) the decision is for')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The group (ring) the decision is for')
            [CompletionResult]::new('--cycle', '--cycle', [CompletionResultType]::ParameterName, 'Cycle [default: the open cycle]')
            [CompletionResult]::new('--decision', '--decision', [CompletionResultType]::ParameterName, 'The decision')
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'Only patches naming this advisory or CVE (repeatable)')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Only these packages (repeatable)')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Only patches at or above this severity')
            [CompletionResult]::new('--change', '--change', [CompletionResultType]::ParameterName, 'Change reference (CAB ticket)')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Free comment')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Until when the approval is valid: a last day (YYYY-MM-DD, through its end in the configured time_zone), a span (30d, 12h, 2w) or an RFC 3339 time')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the emergency lane is used')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--auto', '--auto', [CompletionResultType]::ParameterName, 'For cron: approve, in every group whose policy has auto_approve classes or approve_rules, the patches whose rule is due (its `after` counted from the cycle''s start) once the gate is open (never through the emergency lane)')
            [CompletionResult]::new('--kev', '--kev', [CompletionResultType]::ParameterName, 'Only patches with a CISA KEV CVE')
            [CompletionResult]::new('--emergency', '--emergency', [CompletionResultType]::ParameterName, 'Bypass the ring gate (audited and flagged in reports; not four eyes); needs --reason')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Approve although the group''s scans or the catalogue are older than the policy''s max_scan_age / max_feed_age (audited with the hosts concerned)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;deploy' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'The group (ring) to deploy')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The group (ring) to deploy')
            [CompletionResult]::new('--cycle', '--cycle', [CompletionResultType]::ParameterName, 'Cycle [default: the open cycle]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the window is overridden')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Who runs the steps on the hosts: patchcycle''s own SSH pool, or ansible-playbook (a generated inventory and playbook per wave; progress saved per wave)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Hosts at once [default: the group''s max_parallel]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan per host (packages from → to, snapshot, reboot, checks, window) and change nothing; a deploy not yet approved is previewed with the whole patch set, marked "preview: not approved"')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue the group''s interrupted or halted deployment; finished hosts are not touched again')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Run outside the maintenance window (audited); needs --reason')
            [CompletionResult]::new('--no-rollback', '--no-rollback', [CompletionResultType]::ParameterName, 'Patch hosts even where no rollback packages and no snapshot can be had (audited)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List deployments (of --group, or all) instead')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;rollback' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Only these hosts (repeatable) [default: every host the deployment changed]')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'How to go back')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;note' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a note on an advisory or a package')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List notes')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List notes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;note;add' {
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'The advisory or CVE the note is about')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'The package the note is about')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;note;list' {
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'Only notes on this advisory or CVE')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Only notes on this package')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;note;ls' {
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'Only notes on this advisory or CVE')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Only notes on this package')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;note;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a note on an advisory or a package')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List notes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;note;help;add' {
            break
        }
        'patchcycle;note;help;list' {
            break
        }
        'patchcycle;note;help;help' {
            break
        }
        'patchcycle;advisory' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search the catalogue; with --version, say whether that version is affected')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;advisory;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;advisory;search' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Package name (for Debian and Ubuntu: the source package)')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Package name (for Debian and Ubuntu: the source package)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Ecosystem with release (AlmaLinux:9, Debian:12) or without (AlmaLinux), any case')
            [CompletionResult]::new('--ecosystem', '--ecosystem', [CompletionResultType]::ParameterName, 'Ecosystem with release (AlmaLinux:9, Debian:12) or without (AlmaLinux), any case')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'A package version to check against each advisory''s ranges (needs --ecosystem)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;advisory;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search the catalogue; with --version, say whether that version is affected')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;advisory;help;show' {
            break
        }
        'patchcycle;advisory;help;search' {
            break
        }
        'patchcycle;advisory;help;help' {
            break
        }
        'patchcycle;report' {
            [CompletionResult]::new('--cycle', '--cycle', [CompletionResultType]::ParameterName, 'Cycle [default: the open cycle, else the newest]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when this shows (comma-separated or repeated); every level also trips on an empty selection and on hosts patchcycle cannot judge. Stdout stays whole; a one-line summary goes to stderr')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE (atomically: temporary file, fsync, rename) instead of stdout')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Compliance: a host with an open finding at or above this (or in KEV) is not compliant')
            [CompletionResult]::new('--expiring-days', '--expiring-days', [CompletionResultType]::ParameterName, 'List exceptions expiring within this many days')
            [CompletionResult]::new('--trend-cycles', '--trend-cycles', [CompletionResultType]::ParameterName, 'Cycles in the trend (html and json): the selected cycle and those before it; 0: none')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Fix the report''s clock: a day (its start in the configured time_zone), a span back (7d) or an RFC 3339 time; also PATCHCYCLE_NOW')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Judge hosts on scans older than max_scan_age and catalogues older than max_feed_age instead of calling them unknown (never on missing data)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;audit' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows, oldest first')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List audit rows, oldest first')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Recompute the hash chain; exit 1 and name the first bad row when broken')
            [CompletionResult]::new('anchor', 'anchor', [CompletionResultType]::ParameterValue, 'Record the chain''s head outside the database, for `audit verify --anchor`')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export rows with the chain''s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;audit;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only this action, or a family of them (`host` matches host.add, host.rm, …)')
            [CompletionResult]::new('--object', '--object', [CompletionResultType]::ParameterName, 'Only rows about this object (host, group, …)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only the newest N rows')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Only the newest N rows')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;audit;ls' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only this action, or a family of them (`host` matches host.add, host.rm, …)')
            [CompletionResult]::new('--object', '--object', [CompletionResultType]::ParameterName, 'Only rows about this object (host, group, …)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only the newest N rows')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Only the newest N rows')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;audit;verify' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'Also compare the chain with the anchors of this file (made by `audit anchor`; each line''s MAC is checked with --key) [default FILE: <db>.audit-anchors]')
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'Also compare the chain with a head printed by `audit anchor --print` and kept elsewhere (ROW:HASH); repeatable')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key file that signed the anchors [default: <db>.audit-key]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;audit;anchor' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Append the anchor to this file [default: <db>.audit-anchors]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Append the anchor to this file [default: <db>.audit-anchors]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The HMAC key file, created (mode 0600, 32 random bytes) when missing; refused when group or others may access it [default: <db>.audit-key]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the head (ROW:HASH) on stdout for an external store instead of writing a file; check it later with `audit verify --head ROW:HASH`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'patchcycle;audit;export' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows at or after this time: a day (YYYY-MM-DD, from its start in the configured time_zone), a span back from now (7d, 12h, 2w) or an RFC 3339 time')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE (atomically) instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;audit;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows, oldest first')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Recompute the hash chain; exit 1 and name the first bad row when broken')
            [CompletionResult]::new('anchor', 'anchor', [CompletionResultType]::ParameterValue, 'Record the chain''s head outside the database, for `audit verify --anchor`')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export rows with the chain''s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;audit;help;list' {
            break
        }
        'patchcycle;audit;help;verify' {
            break
        }
        'patchcycle;audit;help;anchor' {
            break
        }
        'patchcycle;audit;help;export' {
            break
        }
        'patchcycle;audit;help;help' {
            break
        }
        'patchcycle;vercmp' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database [default: $XDG_DATA_HOME/patchcycle/patchcycle.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/patchcycle/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is acting, for the audit log [default: $SUDO_USER, then $USER]')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read lines `A B` from standard input and print `<`, `=` or `>` for each')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is done (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page long output on a terminal (PAGER, default less -FRX)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to every confirmation; required where no terminal can ask')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'patchcycle;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the configuration file and the database (idempotent)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check configuration, database and tools, and print what is wrong')
            [CompletionResult]::new('host', 'host', [CompletionResultType]::ParameterValue, 'Manage the inventory of hosts')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage groups (rings): order, window, policy, contacts')
            [CompletionResult]::new('calendar', 'calendar', [CompletionResultType]::ParameterValue, 'Show each group''s next maintenance windows')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Pull vulnerability catalogues (OSV, CISA KEV, EPSS, RPM errata) into the database')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Collect packages, kernels and pending updates from hosts and match the catalogue')
            [CompletionResult]::new('findings', 'findings', [CompletionResultType]::ParameterValue, 'List current findings (each host''s latest scan), with filters and a CI gate')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain why a host is, or is not, affected by an advisory')
            [CompletionResult]::new('exception', 'exception', [CompletionResultType]::ParameterValue, 'Manage exceptions: scoped risk acceptance with an expiry date')
            [CompletionResult]::new('cycle', 'cycle', [CompletionResultType]::ParameterValue, 'Monthly cycles: freeze the patch set, follow each ring, close')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Put the cycle''s patch set on the pilot ring, check health, record the result')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Record a CAB decision for a group (gated by the lower rings)')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Put the approved patches on a group: windows, waves, snapshots, health, halt')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Put a deployment''s hosts back to their versions before it')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Knowledge base: notes on advisories and packages')
            [CompletionResult]::new('advisory', 'advisory', [CompletionResultType]::ParameterValue, 'Look up advisories in the catalogue')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Compliance, SLA, MTTR, reboots, approvals and deployments of a cycle, in every format')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read, verify and export the hash-chained audit log')
            [CompletionResult]::new('vercmp', 'vercmp', [CompletionResultType]::ParameterValue, 'Compare package versions exactly as dpkg, rpm or apk do')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'patchcycle;help;init' {
            break
        }
        'patchcycle;help;doctor' {
            break
        }
        'patchcycle;help;host' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a host')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List hosts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one host')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a host')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove hosts')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add or update hosts from a CSV, TOML or Ansible INI inventory (all or nothing)')
            [CompletionResult]::new('defer', 'defer', [CompletionResultType]::ParameterValue, 'Leave a host out of deployments until a date (within the group''s max_deferral_days)')
            break
        }
        'patchcycle;help;host;add' {
            break
        }
        'patchcycle;help;host;list' {
            break
        }
        'patchcycle;help;host;show' {
            break
        }
        'patchcycle;help;host;set' {
            break
        }
        'patchcycle;help;host;rm' {
            break
        }
        'patchcycle;help;host;import' {
            break
        }
        'patchcycle;help;host;defer' {
            break
        }
        'patchcycle;help;group' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a group (ring)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups in ring order')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one group with its policy')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a group')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a group')
            break
        }
        'patchcycle;help;group;add' {
            break
        }
        'patchcycle;help;group;list' {
            break
        }
        'patchcycle;help;group;show' {
            break
        }
        'patchcycle;help;group;set' {
            break
        }
        'patchcycle;help;group;rm' {
            break
        }
        'patchcycle;help;calendar' {
            break
        }
        'patchcycle;help;sync' {
            break
        }
        'patchcycle;help;scan' {
            break
        }
        'patchcycle;help;findings' {
            break
        }
        'patchcycle;help;explain' {
            break
        }
        'patchcycle;help;exception' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Accept a risk until a date: hides matching findings from gates and counts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List exceptions, active and expired')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove an exception')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the active exceptions as an OpenVEX 0.2.0 document (--format openvex)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add the exceptions an OpenVEX 0.2.0 document states (not_affected, affected)')
            break
        }
        'patchcycle;help;exception;add' {
            break
        }
        'patchcycle;help;exception;list' {
            break
        }
        'patchcycle;help;exception;rm' {
            break
        }
        'patchcycle;help;exception;export' {
            break
        }
        'patchcycle;help;exception;import' {
            break
        }
        'patchcycle;help;cycle' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a cycle: freeze this month''s patch set from the latest scans')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each group''s state in the cycle and what blocks its next step')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the frozen patch set: package or KB, target, advisories, severity, KEV, EPSS, hosts affected per group, knowledge-base notes [default: the open cycle]')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cycles')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a cycle (refused while approved groups are not deployed)')
            break
        }
        'patchcycle;help;cycle;start' {
            break
        }
        'patchcycle;help;cycle;status' {
            break
        }
        'patchcycle;help;cycle;show' {
            break
        }
        'patchcycle;help;cycle;list' {
            break
        }
        'patchcycle;help;cycle;close' {
            break
        }
        'patchcycle;help;test' {
            break
        }
        'patchcycle;help;approve' {
            break
        }
        'patchcycle;help;deploy' {
            break
        }
        'patchcycle;help;rollback' {
            break
        }
        'patchcycle;help;note' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a note on an advisory or a package')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List notes')
            break
        }
        'patchcycle;help;note;add' {
            break
        }
        'patchcycle;help;note;list' {
            break
        }
        'patchcycle;help;advisory' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show advisories by id (ALSA-2023:2523, DSA-5678-1, …) or CVE, in any case; a CVE only KEV or EPSS know shows what they know')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search the catalogue; with --version, say whether that version is affected')
            break
        }
        'patchcycle;help;advisory;show' {
            break
        }
        'patchcycle;help;advisory;search' {
            break
        }
        'patchcycle;help;report' {
            break
        }
        'patchcycle;help;audit' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows, oldest first')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Recompute the hash chain; exit 1 and name the first bad row when broken')
            [CompletionResult]::new('anchor', 'anchor', [CompletionResultType]::ParameterValue, 'Record the chain''s head outside the database, for `audit verify --anchor`')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export rows with the chain''s verification, as evidence (ISO 27001, SOX); --format json or csv; exit 1 when the chain is broken (the export is still written)')
            break
        }
        'patchcycle;help;audit;list' {
            break
        }
        'patchcycle;help;audit;verify' {
            break
        }
        'patchcycle;help;audit;anchor' {
            break
        }
        'patchcycle;help;audit;export' {
            break
        }
        'patchcycle;help;vercmp' {
            break
        }
        'patchcycle;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
