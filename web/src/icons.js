// icons.js — the Element Plus icons registered globally (UI.md "Build"): the menus name theirs
// by string, pages use them in templates. A chosen set, not all 290: the whole set is ~60 kB of
// gzip on every first visit. Add a name here when a page or menu needs another one. main.js
// imports this module as a namespace (`import * as icons`), so the list is written once.
export {
  ArrowDown, ArrowLeft, ArrowRight, Bell, Box, Calendar, Camera, ChatDotRound, ChatLineSquare,
  Check, CircleCheck, CircleClose, Clock, Close, Coin, Collection, CopyDocument, DataAnalysis,
  DataLine, Delete, Document, DocumentAdd, DocumentChecked, Download, Edit, EditPen, Expand, Files,
  Filter, Finished, Flag, Fold, FolderOpened, Goods, Guide, HomeFilled, House, InfoFilled, List,
  Location, Lock, Management, Memo, Menu, Message, MoreFilled, Notebook, Odometer, OfficeBuilding,
  Operation, Phone, PhoneFilled, Picture, PieChart, Plus, Position, Printer, Promotion,
  QuestionFilled, Refresh, RefreshRight, Search, Select, Service, Setting, Share, Shop, Star,
  Stamp, SuccessFilled, Switch, Tickets, Timer, Tools, TrendCharts, Trophy, Upload, User,
  UserFilled, Van, View, Warning, WarningFilled, Wallet,
} from '@element-plus/icons-vue'
