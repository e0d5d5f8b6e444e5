; Inno Setup script for Wayguide on Windows (not built or tested in this project's CI).
; Build the bundle first on Windows:   .venv\Scripts\pyinstaller --noconfirm build.spec
; then:                                 iscc /DVersion=0.1.0 packaging\windows\wayguide.iss
; Installs for all users into Program Files, puts the bundle's folder on PATH (wayguide.exe is the
; command line, wayguidew.exe the tray app without a console), starts Wayguide at every login
; (HKLM Run key; a person switches it off in Wayguide's Settings, which marks it disabled for
; them under StartupApproved) and writes a commented policy to %ProgramData%\wayguide\policy.yaml
; (platformdirs' site config folder), kept on upgrade.

#ifndef Version
  #define Version "0.1.0"
#endif
#define Bundle "..\..\dist\wayguide"

[Setup]
AppId={{6B1F0C9E-3C55-4C8B-9F3E-2A7D4E1B9A21}
AppName=Wayguide
AppVersion={#Version}
AppPublisher=Wayguide authors
DefaultDirName={autopf}\Wayguide
DefaultGroupName=Wayguide
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesEnvironment=yes
OutputDir=..\..\dist
OutputBaseFilename=wayguide-{#Version}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\wayguidew.exe

[Tasks]
Name: autostart; Description: "Start Wayguide when anyone logs in"; Flags: checkedonce

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\policy.yaml"; DestDir: "{commonappdata}\wayguide"; Flags: onlyifdoesntexist uninsneveruninstall
Source: "..\wizards-README"; DestDir: "{commonappdata}\wayguide\wizards"; DestName: "README.txt"; Flags: onlyifdoesntexist

[Dirs]
Name: "{commonappdata}\wayguide\wizards"

[Icons]
Name: "{group}\Wayguide"; Filename: "{app}\wayguidew.exe"
Name: "{group}\Wayguide: toggle panel"; Filename: "{app}\wayguidew.exe"; Parameters: "toggle"

[Registry]
Root: HKLM; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
    ValueName: "Wayguide"; ValueData: """{app}\wayguidew.exe"""; Flags: uninsdeletevalue; Tasks: autostart
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
    ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\wayguidew.exe"; Description: "Start Wayguide now"; Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment',
                             'Path', Current) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;
