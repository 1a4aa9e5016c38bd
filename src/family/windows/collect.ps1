# patchcycle collector for Windows. Sent on stdin to
# `powershell -NoProfile -NonInteractive -Command -` over the host's OpenSSH server (that
# command line works whether the account's default shell is cmd.exe or PowerShell).
# It prints facts in sections that start with a line "@@PC <token> <section>", like the
# POSIX collector (exec::protocol). Nothing from the controller's inventory or database
# is put into it: the only substitution is the random token of this run.
#
# `-Command -` reads stdin statement by statement, as if typed at a prompt: a statement
# spanning lines runs only when an empty line follows it. So the whole script is ONE
# statement, `& { ... }`, closed by two empty lines (PowerShell issue #3223).
#
# Output: UTF-8 without BOM, LF line ends, invariant culture (dates in ISO 8601 UTC,
# numbers as plain digits), one record per line, fields separated by tabs, control
# characters in the host's text replaced by spaces. Each section is bounded in rows;
# the Windows Update Agent's search runs in a job with a time limit. A section that
# fails prints one line "!error<TAB>message" instead of (or after) its rows.
& {
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$Utf8 = New-Object System.Text.UTF8Encoding($false)
# Without a console (ssh -T) the console's code page cannot be set; the output goes
# through a UTF-8 writer of its own on stdout either way.
try { [Console]::OutputEncoding = $Utf8 } catch { }
$OutputEncoding = $Utf8
$Inv = [System.Globalization.CultureInfo]::InvariantCulture
[System.Threading.Thread]::CurrentThread.CurrentCulture = $Inv
[System.Threading.Thread]::CurrentThread.CurrentUICulture = $Inv
$T = '@TOKEN@'
$MaxRows = 5000
$WuaSearchSeconds = 600
$Out = New-Object System.IO.StreamWriter([Console]::OpenStandardOutput(), $Utf8)
$Out.AutoFlush = $true
function Emit([string]$Line) { $Out.Write($Line + "`n") }
function Section([string]$Name) { $Out.Write("`n@@PC " + $T + ' ' + $Name + "`n") }
function Clean($Text) {
    if ($null -eq $Text) { return '' }
    return ([string]$Text -replace '[\x00-\x1f\x7f]', ' ').Trim()
}
function Utc($When) {
    if ($null -eq $When) { return '' }
    return ([DateTime]$When).ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", $Inv)
}
function Failed($Err) { Emit ("!error`t" + (Clean $Err.Exception.Message)) }

$Out.Write('@@PC ' + $T + " BEGIN 1`n")

Section 'win-os'
try {
    $Cv = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    foreach ($Name in @('ProductName', 'EditionID', 'InstallationType', 'DisplayVersion', 'ReleaseId', 'CurrentBuild', 'UBR')) {
        $Value = $Cv.$Name
        if ($null -ne $Value) { Emit ($Name + '=' + (Clean $Value)) }
    }
    # The machine's own architecture: the registry's, not this process's (a 32-bit
    # PowerShell on a 64-bit Windows sees x86 in its environment).
    $SysEnv = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
    Emit ('PROCESSOR_ARCHITECTURE=' + (Clean $SysEnv.PROCESSOR_ARCHITECTURE))
} catch { Failed $_ }

Section 'win-hotfix'
try {
    $Rows = 0
    foreach ($Fix in @(Get-HotFix)) {
        if ($Rows -ge $MaxRows) { Emit "!limit`t$MaxRows"; break }
        $Rows++
        $Day = ''
        if ($null -ne $Fix.InstalledOn) { $Day = ([DateTime]$Fix.InstalledOn).ToString("yyyy'-'MM'-'dd", $Inv) }
        Emit ((Clean $Fix.HotFixID) + "`t" + $Day)
    }
} catch { Failed $_ }

Section 'win-wua-history'
try {
    $Session = New-Object -ComObject Microsoft.Update.Session
    $Searcher = $Session.CreateUpdateSearcher()
    $Total = $Searcher.GetTotalHistoryCount()
    $Count = [Math]::Min($Total, $MaxRows)
    if ($Count -gt 0) {
        foreach ($Entry in @($Searcher.QueryHistory(0, $Count))) {
            if ([string]$Entry.Title -notmatch 'KB(\d{1,9})') { continue }
            $Kb = 'KB' + $Matches[1]
            $Operation = switch ([int]$Entry.Operation) { 1 { 'install' } 2 { 'uninstall' } default { 'other' } }
            $Result = switch ([int]$Entry.ResultCode) {
                0 { 'not-started' } 1 { 'in-progress' } 2 { 'succeeded' }
                3 { 'succeeded-with-errors' } 4 { 'failed' } 5 { 'aborted' } default { 'other' }
            }
            Emit ($Kb + "`t" + (Utc $Entry.Date) + "`t" + $Operation + "`t" + $Result)
        }
    }
    if ($Total -gt $MaxRows) { Emit "!limit`t$MaxRows" }
} catch { Failed $_ }

Section 'win-wua-pending'
try {
    # The agent's search can hang on an unreachable update server: it runs in a job
    # that is stopped after $WuaSearchSeconds.
    $Job = Start-Job -ArgumentList $MaxRows -ScriptBlock {
        param($MaxRows)
        $ErrorActionPreference = 'Stop'
        function Clean($Text) {
            if ($null -eq $Text) { return '' }
            return ([string]$Text -replace '[\x00-\x1f\x7f]', ' ').Trim()
        }
        $Session = New-Object -ComObject Microsoft.Update.Session
        $Found = $Session.CreateUpdateSearcher().Search("IsInstalled=0 and Type='Software' and IsHidden=0")
        $Rows = 0
        foreach ($Update in @($Found.Updates)) {
            if ($Rows -ge $MaxRows) { "!limit`t$MaxRows"; break }
            $Rows++
            $Kb = ''
            foreach ($Id in @($Update.KBArticleIDs)) { $Kb = 'KB' + (Clean $Id); break }
            # The classification's CategoryID is the same in every language; its Name is
            # in the account's (kept for a classification patchcycle does not know).
            $Classification = "`t"
            foreach ($Category in @($Update.Categories)) {
                if ($Category.Type -eq 'UpdateClassification') {
                    $Classification = (Clean $Category.CategoryID) + "`t" + (Clean $Category.Name)
                    break
                }
            }
            # IUpdateInstallationBehavior.RebootBehavior (InstallationImpact): 0 never
            # reboots, 1 always requires a reboot, 2 can request one.
            $Reboot = switch ([int]$Update.InstallationBehavior.RebootBehavior) {
                0 { 'never' } 1 { 'always' } 2 { 'can-request' } default { 'other' }
            }
            $Kb + "`t" + (Clean $Update.MsrcSeverity) + "`t" + $Classification + "`t" + $Reboot + "`t" + (Clean $Update.Title)
        }
    }
    if (Wait-Job -Job $Job -Timeout $WuaSearchSeconds) {
        foreach ($Line in @(Receive-Job -Job $Job)) { Emit ([string]$Line) }
    } else {
        Stop-Job -Job $Job
        Emit "!error`tthe Windows Update Agent's search did not finish in $WuaSearchSeconds seconds"
    }
    Remove-Job -Job $Job -Force
} catch { Failed $_ }

Section 'win-reboot'
try {
    $Cbs = Test-Path -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
    Emit ('cbs=' + $(if ($Cbs) { 'yes' } else { 'no' }))
    $Wu = Test-Path -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
    Emit ('wu=' + $(if ($Wu) { 'yes' } else { 'no' }))
    $Sm = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager'
    $Renames = @($Sm.PendingFileRenameOperations | Where-Object { $_ })
    Emit ('file-rename=' + $(if ($Renames.Count -gt 0) { 'yes' } else { 'no' }))
} catch { Failed $_ }

Section 'win-boot'
try {
    $Os = Get-CimInstance -ClassName Win32_OperatingSystem -OperationTimeoutSec 60
    Emit (Utc $Os.LastBootUpTime)
} catch { Failed $_ }

Section 'END'
$Out.Flush()
}


